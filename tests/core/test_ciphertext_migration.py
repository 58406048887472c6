"""The row-binding migrations turn every stored value into row-bound ciphertext.

Rows written before them hold ciphertext sealed with the column's name only, and
five PHI columns held plaintext. Migrating back writes exactly that older form
(so the test starts from it), and migrating forward must leave every value
sealed for its row and reading as before.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rapport.clients.models import Client
from rapport.core.crypto import is_token, keyring
from rapport.core.models import Role
from rapport.intake.models import ConsultationRequest, ContactAttempt
from rapport.ipt.models import Contract, EpisodeTask, InventoryPerson
from rapport.measures.models import Response
from rapport.scheduling.models import TimeOff
from tests.factories import make_client, make_clinic, make_episode, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("core", "0006_audit_append_only"),
    ("clients", "0002_break_glass"),
    ("scheduling", "0004_rows_carry_their_clinic"),
    ("measures", "0005_rows_carry_their_clinic"),
    ("ipt", "0004_rows_carry_their_clinic"),
    ("intake", "0004_rows_carry_their_clinic"),
]
ANSWERS = {"q1": 2, "q9": 1}
# (model, field, text, held plaintext before)
VALUES = [
    (Client, "background", "Grief after the loss of her brother in March", False),
    (ConsultationRequest, "concern", "Low since the redundancy; not sleeping", False),
    (ConsultationRequest, "preferred_times", "Tuesday evenings after the chemo", True),
    (ContactAttempt, "note", "Left a voicemail with her sister", False),
    (TimeOff, "reason", "Own therapy appointment", True),
    (EpisodeTask, "note", "Explained the sick role to her husband", False),
    (Contract, "missed_session_policy", "Two missed sessions end the course", True),
    (InventoryPerson, "relationship_detail", "Older half-brother in Leeds", True),
]


def _migrate(targets: list[tuple[str, str]] | None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _stored(model: type, field: str) -> list[str]:
    """The column's non-empty values as stored, read past the ORM."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        text = f"CAST({column} AS TEXT)"  # jsonb before the migration, on PostgreSQL
        cursor.execute(f"SELECT {text} FROM {table} WHERE {text} <> ''")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _rows() -> None:
    clinic = make_clinic()
    therapist = make_staff(clinic, "therapist", Role.THERAPIST)
    client = make_client(clinic, therapist, background=VALUES[0][2])
    request = ConsultationRequest.objects.create(
        clinic=clinic,
        name="Alex Person",
        preferred_channel="email",
        age_group="adult",
        concern=VALUES[1][2],
        preferred_times=VALUES[2][2],
    )
    ContactAttempt.objects.create(
        request=request,
        by=therapist,
        at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        channel="email",
        outcome="message",
        note=VALUES[3][2],
    )
    TimeOff.objects.create(
        therapist=therapist,
        starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
        reason=VALUES[4][2],
    )
    episode = make_episode(client)
    task = EpisodeTask.objects.filter(episode=episode).first()
    task.note = VALUES[5][2]
    task.save()
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=12,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 11, 17),
        created_by=therapist,
        missed_session_policy=VALUES[6][2],
    )
    InventoryPerson.objects.create(
        episode=episode, name="Sam", relationship="sibling", relationship_detail=VALUES[7][2]
    )
    Response.objects.create(
        clinic=clinic,
        client=client,
        instrument="phq9",
        instrument_version="1",
        answers=ANSWERS,
        total=3,
        band="minimal",
        mode="in_session",
        submitted_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
    )


def _assert_old_format() -> None:
    for model, field, text, plain in VALUES:
        (stored,) = _stored(model, field)
        context = f"{model._meta.label_lower}.{field}"
        assert stored == text if plain else keyring().decrypt(stored, context) == text
    (answers,) = _stored(Response, "answers")
    assert json.loads(answers) == ANSWERS


def _assert_row_bound() -> None:
    for model, field, text, _plain in [*VALUES, (Response, "answers", ANSWERS, True)]:
        (stored,) = _stored(model, field)
        assert is_token(stored)
        (row,) = [r for r in model._base_manager.all() if getattr(r, field)]
        assert getattr(row, field) == text
        context = f"{model._meta.label_lower}.{field}#{row.public_id}"
        assert keyring().decrypt(stored, context) == (
            json.dumps(text, sort_keys=True) if field == "answers" else text
        )


def test_it_encrypts_plaintext_and_binds_old_ciphertext_to_each_row() -> None:
    _migrate(None)  # an earlier migration test may have left an app part-way
    _rows()
    _assert_row_bound()
    try:
        _migrate(BEFORE)
        _assert_old_format()
    finally:
        _migrate(None)
    _assert_row_bound()
