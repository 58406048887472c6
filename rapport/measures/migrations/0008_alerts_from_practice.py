"""Safety alerts raised by between-session practice and messages (portal), and the clinic's risk phrases."""

import django.db.models.deletion
from django.db import migrations, models

import rapport.measures.risk_phrases


class Migration(migrations.Migration):
    dependencies = [("measures", "0007_portal_questionnaires")]

    operations = [
        migrations.AddField(
            model_name="measuressettings",
            name="risk_phrases",
            field=models.JSONField(
                blank=True,
                default=rapport.measures.risk_phrases.default_phrases,
                verbose_name="risk phrases",
            ),
        ),
        migrations.AddField(
            model_name="safetyalert",
            name="source",
            field=models.CharField(
                choices=[
                    ("questionnaire", "Questionnaire"),
                    ("practice", "Between-session practice"),
                    ("message", "Secure message"),
                ],
                default="questionnaire",
                max_length=14,
            ),
        ),
        migrations.AddField(
            model_name="safetyalert",
            name="source_id",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="safetyalert",
            name="response",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="measures.response",
            ),
        ),
    ]
