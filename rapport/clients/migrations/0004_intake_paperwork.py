"""Intake paperwork: versioned clinic documents and their signatures (portal)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_ciphertext_bound_to_row")]

    operations = []
