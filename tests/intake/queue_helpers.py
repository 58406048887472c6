"""Test data for the intake queue: consultation requests and a therapist's free morning."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from rapport.intake.models import ConsultationRequest
from rapport.scheduling.models import WeeklyHours

_numbers = itertools.count(1)
# A Monday morning in London; tests freeze time here so free slots are predictable.
NOW = dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.UTC)
ZONE = "Europe/London"
CONCERN = "I keep arguing with my sister since our mother died."


def make_request(clinic: Any, **fields: Any) -> ConsultationRequest:
    n = next(_numbers)
    defaults: dict[str, Any] = {
        "name": f"Alex Person{n}",
        "email": f"person{n}@example.com",
        "preferred_channel": ConsultationRequest.Channel.EMAIL,
        "age_group": ConsultationRequest.AgeGroup.ADULT,
        "concern": CONCERN,
        "preferred_times": "Weekday mornings",
        "consent_to_contact": True,
    }
    defaults.update(fields)
    return ConsultationRequest.objects.create(clinic=clinic, **defaults)


def screened(total: int, *, item9: int = 0) -> dict[str, Any]:
    """Fields of a request that completed the self-screen (answers stored, never shown)."""
    answers = {f"q{i}": 0 for i in range(1, 10)}
    answers["q9"] = item9
    return {
        "screen_answers": answers,
        "screen_total": total,
        "screen_band": "moderate",
        "urgent": item9 > 0,
    }


def tuesday_morning(therapist: Any) -> WeeklyHours:
    """Three 50-minute slots (09:00, 10:00, 11:00 London time) every Tuesday."""
    return WeeklyHours.objects.create(
        therapist=therapist,
        weekday=WeeklyHours.Weekday.TUESDAY,
        starts=dt.time(9, 0),
        ends=dt.time(12, 0),
        time_zone=ZONE,
        session_minutes=50,
        buffer_minutes=10,
    )
