"""Questionnaires in the portal: the score-history setting and the maintenance self-check."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("measures", "0006_ciphertext_bound_to_row")]

    operations = []
