"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields); reversible (rapport.core.rebinding)."""

from django.db import migrations

from rapport.core.rebinding import rebind


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_break_glass")]

    operations = [rebind("clients", {"client": ["background"], "breakglassgrant": ["reason"]})]
