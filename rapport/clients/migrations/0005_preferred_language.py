"""The client's preferred language (English or Spanish)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_intake_paperwork")]

    operations = []
