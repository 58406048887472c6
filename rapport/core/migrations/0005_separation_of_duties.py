from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0004_claims_oldest_due_first")]

    operations = []
