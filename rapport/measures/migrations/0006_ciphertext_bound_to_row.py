"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and questionnaire answers, plaintext JSON until now, are encrypted whole; reversible (rapport.core.rebinding)."""

from django.db import migrations

import rapport.core.fields
from rapport.core.rebinding import Column, rebind


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_rows_carry_their_clinic")]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="answers",
            field=rapport.core.fields.EncryptedJSONField(default=None),
        ),
        rebind(
            "measures",
            {
                "response": ["correction_reason", Column("answers", plain_before=True, json=True)],
                "safetyalert": [
                    "ideation",
                    "plan",
                    "intent",
                    "behaviour",
                    "risk_factors",
                    "protective_factors",
                    "action_taken",
                ],
                "safetyplan": [
                    "warning_signs",
                    "coping_strategies",
                    "social_distractions",
                    "people_to_ask",
                    "professionals",
                    "means_safety",
                    "reasons_for_living",
                ],
            },
        ),
    ]
