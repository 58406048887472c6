"""Small helpers for availability, booking and calendar tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, WeeklyHours

UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def hours(therapist: Any, weekday: int, starts: str, ends: str, zone: str = "UTC", **kw: Any):
    return WeeklyHours.objects.create(
        therapist=therapist,
        weekday=weekday,
        starts=dt.time.fromisoformat(starts),
        ends=dt.time.fromisoformat(ends),
        time_zone=zone,
        **kw,
    )


def booked(therapist: Any, starts_at: dt.datetime, minutes: int = 50, **kw: Any) -> Appointment:
    kw.setdefault("kind", Appointment.Kind.SESSION)
    return book(
        clinic=therapist.clinic,
        therapist=therapist,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        by=therapist,
        **kw,
    )
