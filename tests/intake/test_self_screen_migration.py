"""Self-screens stored on requests before they were responses move into measures intact.

The migration keeps every answer, raises the safety alert a positive item 9 never
had (held by intake, or owned by the therapist of a request already converted),
due to escalate at once, and drops the request's own answer columns.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rapport.core.models import Role
from rapport.intake.models import ConsultationRequest
from rapport.measures.models import Response, SafetyAlert
from tests.factories import make_client, make_clinic, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("intake", "0001_initial")]
AFTER = [("intake", "0002_self_screen_is_a_response")]
NOW = dt.datetime(2026, 11, 18, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema() -> object:
    """Leave the database as every later test expects it: all migrations applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_request(apps: object, clinic: object, item9: int, **fields: object) -> object:
    old = apps.get_model("intake", "ConsultationRequest")
    answers = {f"q{n}": 1 for n in range(1, 9)} | {"q9": item9, "difficulty": 1}
    return old.objects.create(
        clinic_id=clinic.pk,
        name="Old Request",
        preferred_channel="email",
        age_group="adult",
        screen_answers=answers,
        screen_total=8 + item9,
        screen_band="mild",
        urgent=item9 > 0,
        **fields,
    )


def test_it_moves_old_self_screens_into_responses_and_raises_the_missing_alerts() -> None:
    clinic = make_clinic("Riverside")
    therapist = make_staff(clinic, "therapist", Role.THERAPIST)
    client = make_client(clinic, therapist)
    apps = _migrate(BEFORE)
    try:
        held = _old_request(apps, clinic, 2)
        converted = _old_request(apps, clinic, 1, client_id=client.pk, status="accepted")
        negative = _old_request(apps, clinic, 0)
        apps.get_model("intake", "ConsultationRequest").objects.create(
            clinic_id=clinic.pk, name="No Screen", preferred_channel="email", age_group="adult"
        )
    finally:
        with time_machine.travel(NOW, tick=False):
            _migrate(AFTER)
    assert Response.objects.count() == 3
    screen = Response.objects.get(subject_id=held.public_id)
    assert (screen.mode, screen.client, screen.total, screen.band) == (
        "self_screen",
        None,
        10,
        "mild",
    )
    assert screen.answers["q9"] == 2
    assert screen.submitted_at == held.created_at
    alert = SafetyAlert.objects.get(subject_id=held.public_id)
    assert (alert.client, alert.owner, alert.severity, alert.status) == (
        None,
        None,
        "critical",
        "open",
    )
    assert alert.escalate_at == NOW
    theirs = SafetyAlert.objects.get(subject_id=converted.public_id)
    assert (theirs.client, theirs.owner, theirs.severity) == (client, therapist, "urgent")
    assert not SafetyAlert.objects.filter(subject_id=negative.public_id).exists()
    assert ConsultationRequest.objects.filter(urgent=True).count() == 2
