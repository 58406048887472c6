"""Client-facing plan: the shared formulation summary and the contract's acknowledgement (portal)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ipt", "0005_ciphertext_bound_to_row")]

    operations = []
