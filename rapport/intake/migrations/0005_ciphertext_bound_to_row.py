"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and preferred times, plaintext until now, are encrypted; reversible (rapport.core.rebinding)."""

from django.db import migrations

import rapport.core.fields
from rapport.core.rebinding import Column, add_public_id, rebind


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_rows_carry_their_clinic")]

    operations = [
        *add_public_id("intake", "contactattempt"),
        migrations.AlterField(
            model_name="consultationrequest",
            name="preferred_times",
            field=rapport.core.fields.EncryptedCharField(
                blank=True, default="", max_length=300, verbose_name="preferred days and times"
            ),
        ),
        rebind(
            "intake",
            {
                "consultationrequest": [
                    "concern",
                    "notes",
                    Column("preferred_times", plain_before=True),
                ],
                "contactattempt": ["note"],
            },
        ),
    ]
