"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and time-off reasons, plaintext until now, are encrypted; reversible (rapport.core.rebinding)."""

from django.db import migrations

import rapport.core.fields
from rapport.core.rebinding import Column, add_public_id, rebind


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_rows_carry_their_clinic")]

    operations = [
        *add_public_id("scheduling", "timeoff"),
        migrations.AlterField(
            model_name="timeoff",
            name="reason",
            field=rapport.core.fields.EncryptedCharField(
                blank=True, default="", max_length=120, verbose_name="reason"
            ),
        ),
        rebind("scheduling", {"timeoff": [Column("reason", plain_before=True)]}),
    ]
