"""When a therapist is free: weekly hours minus time off, appointments and the past.

Weekly hours are wall-clock times in each row's own zone, so a slot at 10:00
stays at 10:00 local across a DST change (its UTC instant moves instead).
Slot starts are ``session_minutes + buffer_minutes`` apart within a block.

Expired holds (status "held" with ``held_until`` in the past) no longer
occupy time: they are treated as free in every overlap check (``occupying``)
rather than cancelled by a worker job, so a slot frees the moment its hold
lapses, with no job that could run late or twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from rapport.core.models import User
from rapport.scheduling.models import Appointment, AppointmentQuerySet, TimeOff, WeeklyHours
from rapport.scheduling.timeutil import local_to_utc

Span = tuple[dt.datetime, dt.datetime]


def occupying(now: dt.datetime | None = None) -> AppointmentQuerySet:
    """Appointments that occupy a therapist's time now: expired holds excluded."""
    now = now or timezone.now()
    expired_hold = Q(status=Appointment.Status.HELD, held_until__lte=now)
    return Appointment.objects.active().exclude(expired_hold)


def candidate_slots(hours: list[WeeklyHours], start_date: dt.date, days: int) -> list[Span]:
    """Every slot the weekly hours offer, before anything is taken away."""
    slots: list[Span] = []
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
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
    now = now or timezone.now()
    hours = list(WeeklyHours.objects.filter(therapist=therapist))
    slots = [s for s in candidate_slots(hours, start_date, days) if s[0] >= now]
    if not slots:
        return []
    first, last = slots[0][0], slots[-1][1]
    busy = _busy_spans(therapist, first, last, now)
    return [s for s in slots if not any(b[0] < s[1] and b[1] > s[0] for b in busy)]


def _busy_spans(
    therapist: User, first: dt.datetime, last: dt.datetime, now: dt.datetime
) -> list[Span]:
    taken = occupying(now).filter(therapist=therapist).overlapping(first, last)
    away = TimeOff.objects.filter(therapist=therapist, starts_at__lt=last, ends_at__gt=first)
    spans = list(taken.values_list("starts_at", "ends_at"))
    spans += list(away.values_list("starts_at", "ends_at"))
    return spans
