"""Test data for the intake queue: consultation requests and a therapist's free morning."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from rapport.intake import services
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


def make_screened_request(
    clinic: Any, *, others: int, item9: int = 0, **fields: Any
) -> ConsultationRequest:
    """A request whose PHQ-9 self-screen (items 1–8 at ``others``) went through the real
    service: a measures response, and its safety alert when item 9 is positive."""
    req = make_request(clinic, **fields)
    answers = {f"q{i}": others for i in range(1, 9)} | {"q9": item9, "difficulty": 1}
    services.record_screen(None, req, answers)
    return req


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
