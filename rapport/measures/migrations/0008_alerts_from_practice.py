"""Safety alerts raised by between-session practice and messages (portal), and the clinic's risk phrases."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("measures", "0007_portal_questionnaires")]

    operations = []
