"""The booking grid: one week of free start times per therapist, and "next free".

Columns are the seven days of a week (Monday first) in the viewer's zone, each
cell the free start times of that day. A slot's value names the therapist and
the UTC start (``<therapist public id>@<YYYYmmddTHHMMZ>``), so the form that
posts it needs nothing else to know what was chosen. Clinic closure days are
never offered (``availability.free_slots_for``) and are named on the grid.

The whole grid costs the same few queries however many appointments exist:
free times come from ``free_slots_for`` (hours, closures, appointments and time
off of every therapist at once).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone

from rapport.core.models import User
from rapport.scheduling.availability import closure_days, free_slots_for

# How far "next free" looks ahead (a waiting list rarely needs more).
NEXT_FREE_DAYS = 91
SLOT_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True)
class Slot:
    therapist: User
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    start: dt.datetime  # in the viewer's zone
    end: dt.datetime

    @property
    def value(self) -> str:
        return slot_value(self.therapist, self.starts_at)

    @property
    def week(self) -> dt.date:
        return monday_of(self.start.date())


@dataclass
class Day:
    day: dt.date
    slots: list[Slot] = field(default_factory=list)
    closed: str = ""  # the closure's name, when the clinic is closed


@dataclass
class TherapistWeek:
    therapist: User
    days: list[Day]

    @property
    def empty(self) -> bool:
        return not any(day.slots for day in self.days)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def slot_value(therapist: User, starts_at: dt.datetime) -> str:
    return f"{therapist.public_id}@{starts_at.astimezone(dt.UTC).strftime(SLOT_FORMAT)}"


def parse_slot(value: str) -> tuple[uuid.UUID, dt.datetime] | None:
    """The therapist's public id and UTC start a slot value names, or None if malformed."""
    who, _, when = value.partition("@")
    try:
        starts_at = dt.datetime.strptime(when, SLOT_FORMAT).replace(tzinfo=dt.UTC)
        return uuid.UUID(who), starts_at
    except ValueError:
        return None


def week(
    therapists: list[User], monday: dt.date, zone: str, *, now: dt.datetime | None = None
) -> list[TherapistWeek]:
    """Each therapist's free start times over the week that begins on ``monday``."""
    if not therapists:
        return []
    tz = zoneinfo.ZoneInfo(zone)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    # One day either side: weekly hours in another zone may fall on this week locally.
    free = free_slots_for(therapists, monday - dt.timedelta(days=1), 9, now=now)
    closed = closure_days(therapists[0].clinic_id, days[0], days[-1])
    result = []
    for therapist in therapists:
        by_day = {day: Day(day, closed=closed.get(day, "")) for day in days}
        for start, end in free[therapist.pk]:
            slot = Slot(therapist, start, end, start.astimezone(tz), end.astimezone(tz))
            if slot.start.date() in by_day:
                by_day[slot.start.date()].slots.append(slot)
        result.append(TherapistWeek(therapist, list(by_day.values())))
    return result


def next_free(
    therapists: list[User], zone: str, *, now: dt.datetime | None = None
) -> dict[int, Slot]:
    """Each therapist's first free slot from now on (those with none are left out)."""
    now = now or timezone.now()
    if not therapists:
        return {}
    tz = zoneinfo.ZoneInfo(zone)
    today = now.astimezone(tz).date() - dt.timedelta(days=1)
    free = free_slots_for(therapists, today, NEXT_FREE_DAYS, now=now)
    found = {}
    for therapist in therapists:
        if free[therapist.pk]:
            start, end = free[therapist.pk][0]
            found[therapist.pk] = Slot(
                therapist, start, end, start.astimezone(tz), end.astimezone(tz)
            )
    return found


def is_free(therapist: User, starts_at: dt.datetime, zone: str) -> dt.datetime | None:
    """The end of the free slot that starts at ``starts_at``, if the therapist has one."""
    day = starts_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    free = free_slots_for([therapist], day - dt.timedelta(days=1), 3)[therapist.pk]
    return next((end for start, end in free if start == starts_at), None)
