"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and time-off and cancellation reasons, plaintext until now, are encrypted; reversible (rapport.core.rebinding)."""

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
        migrations.AlterField(
            model_name="appointment",
            name="cancel_reason",
            field=rapport.core.fields.EncryptedCharField(blank=True, default="", max_length=200),
        ),
        rebind(
            "scheduling",
            {
                "timeoff": [Column("reason", plain_before=True)],
                "appointment": [Column("cancel_reason", plain_before=True)],
            },
        ),
    ]
