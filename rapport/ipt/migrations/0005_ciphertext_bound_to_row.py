"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields), and the contract's missed-session policy and a relationship in the client's words, plaintext until now, are encrypted; reversible (rapport.core.rebinding)."""

from django.db import migrations

import rapport.core.fields
from rapport.core.rebinding import Column, add_public_id, rebind


class Migration(migrations.Migration):
    dependencies = [("ipt", "0004_rows_carry_their_clinic")]

    operations = [
        *add_public_id("ipt", "episodetask"),
        *add_public_id("ipt", "disputestageassessment"),
        *add_public_id("ipt", "cosignreview"),
        *add_public_id("ipt", "processnote"),
        *add_public_id("ipt", "fidelityrating"),
        migrations.AlterField(
            model_name="contract",
            name="missed_session_policy",
            field=rapport.core.fields.EncryptedTextField(
                blank=True, default="", verbose_name="missed-session policy"
            ),
        ),
        migrations.AlterField(
            model_name="inventoryperson",
            name="relationship_detail",
            field=rapport.core.fields.EncryptedCharField(
                blank=True,
                default="",
                max_length=100,
                verbose_name="relationship, in the client's words",
            ),
        ),
        rebind(
            "ipt",
            {
                "episode": ["close_note", "medication_notes", "formulation"],
                "episodetask": ["note"],
                "goal": ["text"],
                "disputestageassessment": ["note"],
                "contract": ["focus", "reason", Column("missed_session_policy", plain_before=True)],
                "inventoryperson": [
                    "name",
                    Column("relationship_detail", plain_before=True),
                    "contact",
                    "satisfying",
                    "unsatisfying",
                    "expectations_of_other",
                    "expectations_of_client",
                    "conflict",
                    "can_discuss",
                    "cannot_discuss",
                    "desired_change",
                ],
                "timelineevent": ["title", "detail"],
                "sessionnote": [
                    "symptom_review",
                    "suicidality_detail",
                    "interval_events",
                    "problem_area_work",
                    "between_session_plan",
                    "signed_snapshot",
                    "open_alerts_reason",
                ],
                "addendum": ["reason", "text"],
                "cosignreview": ["comment"],
                "processnote": ["text"],
                "fidelityrating": ["comment"],
                "maintenanceplan": [
                    "gains",
                    "warning_signs",
                    "coping_strategies",
                    "supports",
                    "remaining_goals",
                    "referral_detail",
                ],
            },
        ),
    ]
