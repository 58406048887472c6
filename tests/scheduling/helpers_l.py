"""Helpers for series, changes, reminders and feed tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from rapport.scheduling import series
from rapport.scheduling.models import Appointment, TimeOff

UTC = dt.UTC
ZONE = "America/New_York"
# Tuesday 2026-09-01, 10:00 New York: a 12-week course crosses the DST end (2026-11-01).
FIRST = dt.date(2026, 9, 1)
TEN = dt.time(10, 0)


def course(cast: SimpleNamespace, *, count: int = 12, frequency: str = "weekly", **kw: Any):
    kw.setdefault("first", FIRST)
    kw.setdefault("at", TEN)
    kw.setdefault("zone", ZONE)
    kw.setdefault("minutes", 50)
    return series.book_series(
        client=cast.client,
        therapist=cast.therapist,
        by=cast.therapist,
        count=count,
        frequency=frequency,
        context_id=cast.episode.public_id,
        **kw,
    )


def away(therapist: Any, day: dt.date, zone: str = ZONE) -> TimeOff:
    """A whole local day off."""
    from rapport.scheduling.timeutil import local_day_bounds

    starts_at, ends_at = local_day_bounds(day, zone)
    return TimeOff.objects.create(
        therapist=therapist, starts_at=starts_at, ends_at=ends_at, reason="Holiday"
    )


def sessions(result: Any) -> list[Appointment]:
    return list(result.series.appointments.order_by("starts_at"))
