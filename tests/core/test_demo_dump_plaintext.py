"""After the demo, a dump of the whole database holds none of its PHI in plaintext.

The texts to look for come from the encrypted fields themselves, read through
the ORM (so decrypted): every free text and every questionnaire's answers. A
backup file, a replica or a stolen disk image shows ciphertext only.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from rapport.core.fields import EncryptedJSONField, EncryptedTextField
from tests.core.test_crypto import _sql_dump

# Shorter values ("Sam", "Mum") can occur in plain columns by coincidence.
SHORTEST = 8
NEWLY_ENCRYPTED = {
    "ipt.inventoryperson.relationship_detail",
    "measures.response.answers",
    "ipt.contract.missed_session_policy",
    "scheduling.timeoff.reason",
    "intake.consultationrequest.preferred_times",
}


def _json_forms(value: object) -> set[str]:
    """The ways a JSON value could appear in a dump (Python's, SQLite's and jsonb's spacing)."""
    forms = {json.dumps(value), json.dumps(value, separators=(",", ":"))}
    if isinstance(value, dict):
        forms |= {f'"{key}": {json.dumps(item)}' for key, item in value.items()}
        forms |= {f'"{key}":{json.dumps(item)}' for key, item in value.items()}
    return forms


def _plain_by_design() -> set[str]:
    """Addresses kept in clear columns on purpose (sign-in, contact), also an e-mail's recipient."""
    from rapport.clients.models import Client
    from rapport.core.models import User

    return {
        *User.objects.values_list("email", flat=True),
        *Client.objects.values_list("email", flat=True),
    }


def _demo_phi() -> dict[str, set[str]]:
    """Every encrypted column's decrypted values, by ``app.model.field``."""
    found: dict[str, set[str]] = {}
    plain = _plain_by_design()
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        for row in model._base_manager.all() if fields else []:
            for field in fields:
                value = getattr(row, field.attname)
                label = f"{model._meta.label_lower}.{field.name}"
                if isinstance(field, EncryptedJSONField) and value:
                    found.setdefault(label, set()).update(_json_forms(value))
                elif isinstance(value, str) and len(value) >= SHORTEST and value not in plain:
                    found.setdefault(label, set()).add(value)
    return found


@pytest.mark.django_db(transaction=True)  # committed: pg_dump reads from its own session
def test_a_dump_after_the_demo_holds_none_of_its_free_text_or_answers() -> None:
    call_command("seed_demo", stdout=StringIO())
    phi = _demo_phi()
    assert set(phi) >= NEWLY_ENCRYPTED  # the demo writes each column this change encrypts
    assert sum(len(texts) for texts in phi.values()) > 100
    dump = _sql_dump()
    assert "enc1:" in dump
    leaked = {label: sorted(t for t in texts if t in dump)[:3] for label, texts in phi.items()}
    assert {label: texts for label, texts in leaked.items() if texts} == {}
