"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and preferred times and waitlist removal reasons, plaintext until now, are encrypted; reversible (rapport.core.rebinding)."""

from django.db import migrations

import rapport.core.fields
from rapport.core.rebinding import Column, add_public_id, rebind


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_rows_carry_their_clinic")]

    operations = [
        *add_public_id("intake", "contactattempt"),
        *add_public_id("intake", "waitlistentry"),
        migrations.AlterField(
            model_name="waitlistentry",
            name="removed_reason",
            field=rapport.core.fields.EncryptedCharField(blank=True, default="", max_length=120),
        ),
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
                "waitlistentry": [Column("removed_reason", plain_before=True)],
            },
        ),
    ]
