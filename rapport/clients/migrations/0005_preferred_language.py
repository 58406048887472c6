"""The client's preferred language (English or Spanish)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_intake_paperwork")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="preferred_language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Spanish")],
                default="en",
                help_text="Used for e-mails to the client and the questionnaires they answer.",
                max_length=8,
                verbose_name="preferred language",
            ),
        ),
    ]
