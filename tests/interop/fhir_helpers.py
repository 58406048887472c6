"""A small full record for the FHIR tests: one of every row the API exports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from rapport.interop.models import ApiKey, KeyScope
from rapport.ipt.models import EpisodeDiagnosis, Goal, MaintenancePlan
from rapport.measures.models import Response
from rapport.measures.services import record_response
from rapport.scheduling.models import Appointment
from tests.factories import make_client, make_episode, make_note


def phq9(item9: int = 0, others: int = 1) -> dict[str, int]:
    return {f"q{n}": others for n in range(1, 9)} | {"q9": item9, "difficulty": 1}


def fill_record(client: Any, episode: Any, therapist: Any) -> SimpleNamespace:
    """Scores (one corrected), a diagnosis changed once, goals, a plan, appointments."""
    first = record_response(
        client=client,
        instrument_code="phq9",
        answers=phq9(others=2),
        mode=Response.Mode.IN_SESSION,
        entered_by=therapist,
        context_id=episode.public_id,
    )
    corrected = record_response(
        client=client,
        instrument_code="phq9",
        answers=phq9(others=1),
        mode=Response.Mode.IN_SESSION,
        entered_by=therapist,
        context_id=episode.public_id,
        corrects=first,
        correction_reason="Typed the wrong column.",
    )
    gad = record_response(
        client=client,
        instrument_code="gad7",
        answers={f"q{n}": 1 for n in range(1, 8)} | {"difficulty": 0},
        mode=Response.Mode.REMOTE,
        context_id=episode.public_id,
    )
    epds = record_response(
        client=client,
        instrument_code="epds",
        answers={f"q{n}": 0 for n in range(1, 11)},
        mode=Response.Mode.REMOTE,
        context_id=episode.public_id,
    )
    old = EpisodeDiagnosis.objects.create(
        episode=episode,
        code="F32.1",
        title="Major depressive disorder, single episode, moderate",
        code_system_version="FY2026",
        diagnosed_on=date(2026, 9, 1),
        recorded_by=therapist,
        replaced_at=timezone.now(),
        replaced_by=therapist,
        end_reason="changed",
    )
    current = EpisodeDiagnosis.objects.create(
        episode=episode,
        code="F33.1",
        title="Major depressive disorder, recurrent, moderate",
        code_system_version="FY2026",
        diagnosed_on=date(2026, 9, 8),
        recorded_by=therapist,
    )
    goal = Goal.objects.create(episode=episode, problem_area="grief", text="Talk about my father.")
    done = Goal.objects.create(
        episode=episode, problem_area="grief", text="Visit the grave.", achieved=True
    )
    plan = MaintenancePlan.objects.create(
        episode=episode,
        updated_by=therapist,
        gains="I can say what I need.",
        warning_signs="Sleeping badly for a week.",
        planned_sessions=6,
    )
    start = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
    booked = Appointment.objects.create(
        clinic=client.clinic,
        client=client,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
    )
    missed = Appointment.objects.create(
        clinic=client.clinic,
        client=client,
        therapist=therapist,
        starts_at=start - timedelta(days=7),
        ends_at=start - timedelta(days=7, minutes=-50),
        status=Appointment.Status.NO_SHOW,
    )
    return SimpleNamespace(**locals())


def make_other_client(cast: Any) -> Any:
    """The colleague's client with an episode and a held session (outside a caseload key)."""
    episode = make_episode(cast.colleague_client)
    make_note(episode)
    return episode


def issue_key(cast: Any, **fields: Any) -> tuple[ApiKey, str]:
    fields.setdefault("name", "Registry")
    fields.setdefault("scope", KeyScope.CLINIC)
    return ApiKey.issue(clinic=cast.admin.clinic, created_by=cast.admin, **fields)


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def make_second_client(cast: Any) -> Any:
    return make_client(cast.admin.clinic, cast.therapist, given_name="Second")
