"""When a therapist is free: weekly hours minus time off, appointments and the past.

Weekly hours are wall-clock times in each row's own zone, so a slot at 10:00
stays at 10:00 local across a DST change (its UTC instant moves instead).
Slot starts are ``session_minutes + buffer_minutes`` apart within a block.

No slot is offered on a clinic closure day (``ClosureDay``: a public holiday,
a training day), read as the wall-clock date of the therapist's weekly hours.

Expired holds (status "held" with ``held_until`` in the past) no longer
occupy time: they are treated as free in every overlap check (``occupying``)
rather than cancelled by a worker job, so a slot frees the moment its hold
lapses, with no job that could run late or twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from rapport.core.models import User
from rapport.scheduling.models import (
    Appointment,
    AppointmentQuerySet,
    ClosureDay,
    TimeOff,
    WeeklyHours,
)
from rapport.scheduling.timeutil import local_to_utc

Span = tuple[dt.datetime, dt.datetime]


def occupying(now: dt.datetime | None = None) -> AppointmentQuerySet:
    """Appointments that occupy a therapist's time now: expired holds excluded."""
    now = now or timezone.now()
    expired_hold = Q(status=Appointment.Status.HELD, held_until__lte=now)
    return Appointment.objects.active().exclude(expired_hold)


def closure_days(clinic_id: int, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """The clinic's closure days from ``first`` to ``last`` (inclusive), with their names."""
    rows = ClosureDay.objects.filter(clinic_id=clinic_id, day__gte=first, day__lte=last)
    return dict(rows.values_list("day", "name"))


def candidate_slots(
    hours: list[WeeklyHours],
    start_date: dt.date,
    days: int,
    closed: Iterable[dt.date] = (),
) -> list[Span]:
    """Every slot the weekly hours offer, before anything is taken away."""
    slots: list[Span] = []
    closed = frozenset(closed)
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
        if day in closed:
            continue
        for block in hours:
            if block.weekday == day.weekday():
                slots.extend(_block_slots(block, day))
    return sorted(slots)


def _block_slots(block: WeeklyHours, day: dt.date) -> list[Span]:
    length = dt.timedelta(minutes=block.session_minutes)
    step = length + dt.timedelta(minutes=block.buffer_minutes)
    wall = dt.datetime.combine(day, block.starts)
    end_wall = dt.datetime.combine(day, block.ends)
    slots = []
    # Walk in wall-clock time so every slot keeps its local time across DST.
    while wall + length <= end_wall:
        start = local_to_utc(day, wall.time(), block.time_zone)
        slots.append((start, start + length))
        wall += step
    return slots


def free_slots(
    therapist: User, start_date: dt.date, days: int, *, now: dt.datetime | None = None
) -> list[Span]:
    """Bookable (start, end) UTC pairs over ``days`` local days from ``start_date``."""
    return free_slots_for([therapist], start_date, days, now=now)[therapist.pk]


def free_slots_for(
    therapists: list[User], start_date: dt.date, days: int, *, now: dt.datetime | None = None
) -> dict[int, list[Span]]:
    """``free_slots`` of several therapists of one clinic, by therapist pk, in four queries
    however many therapists and appointments there are."""
    now = now or timezone.now()
    found: dict[int, list[Span]] = {therapist.pk: [] for therapist in therapists}
    if not therapists:
        return found
    last_day = start_date + dt.timedelta(days=days - 1)
    closed = closure_days(therapists[0].clinic_id, start_date, last_day)
    hours: dict[int, list[WeeklyHours]] = defaultdict(list)
    for block in WeeklyHours.objects.filter(therapist__in=list(found)):
        hours[block.therapist_id].append(block)
    offered = {
        pk: [s for s in candidate_slots(hours[pk], start_date, days, closed) if s[0] >= now]
        for pk in found
    }
    spans = [slot for slots in offered.values() for slot in slots]
    if not spans:
        return found
    busy = _busy_spans(list(found), min(s[0] for s in spans), max(s[1] for s in spans), now)
    for pk, slots in offered.items():
        mine = busy[pk]
        found[pk] = [s for s in slots if not any(b[0] < s[1] and b[1] > s[0] for b in mine)]
    return found


def _busy_spans(
    therapist_pks: list[int], first: dt.datetime, last: dt.datetime, now: dt.datetime
) -> dict[int, list[Span]]:
    taken = occupying(now).filter(therapist__in=therapist_pks).overlapping(first, last)
    away = TimeOff.objects.filter(
        therapist__in=therapist_pks, starts_at__lt=last, ends_at__gt=first
    )
    spans: dict[int, list[Span]] = defaultdict(list)
    for rows in (taken.order_by(), away.order_by()):
        for pk, start, end in rows.values_list("therapist_id", "starts_at", "ends_at"):
            spans[pk].append((start, end))
    return spans
