"""Scheduling's part of the demo clinic: the clinic's holiday closures.

Christmas Eve, Christmas Day, New Year's Eve and New Year's Day of this season
and the next, so a course booked from a demo contract across the holidays shows
the closure warning (and the booking grid greys those days out).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rapport.core.hooks import demo_loader
from rapport.scheduling.models import ClosureDay

HOLIDAYS = [
    (12, 24, "Christmas Eve"),
    (12, 25, "Christmas Day"),
    (12, 31, "New Year's Eve"),
    (1, 1, "New Year's Day"),
]


def holiday_closures(today: dt.date) -> list[tuple[dt.date, str]]:
    """The demo's closure days from this season's Christmas Eve, over two seasons."""
    days = []
    for season in (today.year, today.year + 1):
        for month, day, name in HOLIDAYS:
            year = season + 1 if month == 1 else season
            days.append((dt.date(year, month, day), name))
    return days


@demo_loader(order=350)
def load_closures(clinic: Any, staff: dict[str, Any]) -> None:
    ClosureDay.objects.bulk_create(
        [
            ClosureDay(clinic=clinic, day=day, name=name)
            for day, name in holiday_closures(timezone.localdate())
        ],
        ignore_conflicts=True,
    )
