"""Book a whole course in one step (issue 5 item 6).

Rules, written down because a practice will ask:

* Every occurrence keeps the same **local wall-clock time** in the series'
  zone, across DST changes (``timeutil.local_to_utc`` per date, never
  "add 7 x 24 hours").
* Cadences: weekly (7 days), fortnightly (14), monthly (every 4 weeks on the
  same weekday, 28 days) and twice weekly (the first date's weekday plus a
  second weekday, alternating).
* An occurrence falling in the therapist's **time off** is not booked: that
  date is skipped and the course continues on the next date of the cadence,
  so the planned number of sessions is still booked (the course ends later).
* An occurrence on a clinic **closure day** (``ClosureDay``) is booked only if
  the person booking chooses so after the warning (``closures_crossed``). When
  they choose to skip the closures, those dates are skipped like time off: the
  course continues on the next date of the cadence, so every planned session is
  still booked and the course ends a little later (a clinician counts sessions
  by the contract, not by the calendar).
* An occurrence clashing with an **existing appointment** is not booked either:
  it keeps its place in the numbering (``series_index``) and is listed as
  "needs manual placement" until someone places it (``place``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from rapport.clients.models import Client
from rapport.core.models import User
from rapport.scheduling.booking import SlotTaken, book
from rapport.scheduling.models import Appointment, ClosureDay, Series, TimeOff
from rapport.scheduling.timeutil import local_to_utc, utc_to_local

CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28, "twice_weekly": 7}
# A course never looks further than this many cadence steps for free dates.
MAX_SKIPS = 26
# Closure days are read this far ahead of a course's first date.
CLOSURE_HORIZON = dt.timedelta(days=2 * 366)


@dataclass(frozen=True)
class Occurrence:
    index: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass
class SeriesResult:
    series: Series
    booked: list[Appointment] = field(default_factory=list)
    conflicts: list[Occurrence] = field(default_factory=list)
    skipped_days: list[dt.date] = field(default_factory=list)  # time off
    closed_days: list[dt.date] = field(default_factory=list)  # clinic closures skipped


def cadence_dates(
    first: dt.date, frequency: str, second_weekday: int | None = None
) -> Iterator[dt.date]:
    """Every candidate date of the cadence, in order, starting with ``first``."""
    if frequency == "twice_weekly":
        if second_weekday is None or second_weekday == first.weekday():
            raise ValueError("twice weekly needs a second, different weekday")
        offset = (second_weekday - first.weekday()) % 7
        week = 0
        while True:
            yield first + dt.timedelta(weeks=week)
            yield first + dt.timedelta(weeks=week, days=offset)
            week += 1
    step = dt.timedelta(days=CADENCE_DAYS[frequency])
    day = first
    while True:
        yield day
        day += step


def plan(
    *,
    therapist: User,
    first: dt.date,
    at: dt.time,
    zone: str,
    count: int,
    frequency: str,
    minutes: int,
    second_weekday: int | None = None,
    closed: Mapping[dt.date, str] | None = None,
) -> tuple[list[Occurrence], list[dt.date], list[dt.date]]:
    """The ``count`` occurrences outside the therapist's time off (and the ``closed`` days),
    the dates skipped for time off, and the closure dates skipped."""
    occurrences: list[Occurrence] = []
    skipped: list[dt.date] = []
    closed_skipped: list[dt.date] = []
    closed = closed or {}
    away = list(TimeOff.objects.filter(therapist=therapist).values_list("starts_at", "ends_at"))
    for day in cadence_dates(first, frequency, second_weekday):
        if len(occurrences) == count or len(skipped) + len(closed_skipped) > MAX_SKIPS:
            break
        if day in closed:
            closed_skipped.append(day)
            continue
        starts_at = local_to_utc(day, at, zone)
        ends_at = starts_at + dt.timedelta(minutes=minutes)
        if any(start < ends_at and end > starts_at for start, end in away):
            skipped.append(day)
            continue
        occurrences.append(Occurrence(len(occurrences) + 1, starts_at, ends_at))
    return occurrences, skipped, closed_skipped


def clinic_closures(clinic_id: int, first: dt.date) -> dict[dt.date, str]:
    """The clinic's closure days a course starting on ``first`` could reach, with names."""
    rows = ClosureDay.objects.filter(
        clinic_id=clinic_id, day__gte=first, day__lte=first + CLOSURE_HORIZON
    )
    return dict(rows.values_list("day", "name"))


def closures_crossed(
    *,
    therapist: User,
    first: dt.date,
    at: dt.time,
    zone: str,
    count: int,
    frequency: str,
    minutes: int,
    second_weekday: int | None = None,
) -> list[tuple[dt.date, str]]:
    """The closure days (date, name) the course would be booked on if nobody skipped them."""
    closed = clinic_closures(therapist.clinic_id, first)
    if not closed:
        return []
    occurrences, _away, _closed = plan(
        therapist=therapist,
        first=first,
        at=at,
        zone=zone,
        count=count,
        frequency=frequency,
        minutes=minutes,
        second_weekday=second_weekday,
    )
    days = [utc_to_local(o.starts_at, zone).date() for o in occurrences]
    return [(day, closed[day]) for day in days if day in closed]


@transaction.atomic
def book_series(
    *,
    client: Client,
    therapist: User,
    by: User,
    first: dt.date,
    at: dt.time,
    zone: str,
    count: int,
    frequency: str,
    minutes: int,
    context_id: uuid.UUID | None = None,
    second_weekday: int | None = None,
    video_link: str = "",
    skip_closures: bool = False,
) -> SeriesResult:
    """Create the Series and one appointment per free occurrence, with their reminders.

    ``skip_closures``: leave out the clinic's closure days (the course runs on past them)."""
    occurrences, skipped, closed_skipped = plan(
        therapist=therapist,
        first=first,
        at=at,
        zone=zone,
        count=count,
        frequency=frequency,
        minutes=minutes,
        second_weekday=second_weekday,
        closed=clinic_closures(therapist.clinic_id, first) if skip_closures else None,
    )
    series = Series.objects.create(
        client=client,
        therapist=therapist,
        context_id=context_id,
        first_starts_at=local_to_utc(first, at, zone),
        local_time=at,
        time_zone=zone,
        interval_days=CADENCE_DAYS[frequency],
        count=count,
        duration_minutes=minutes,
        created_by=by,
    )
    result = SeriesResult(series=series, skipped_days=skipped, closed_days=closed_skipped)
    for occurrence in occurrences:
        try:
            appointment = _book_occurrence(series, occurrence, by=by, video_link=video_link)
        except SlotTaken:
            result.conflicts.append(occurrence)
        else:
            result.booked.append(appointment)
    return result


def _book_occurrence(
    series: Series, occurrence: Occurrence, *, by: User, video_link: str = ""
) -> Appointment:
    appointment = book(
        clinic=series.client.clinic,
        therapist=series.therapist,
        client=series.client,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        kind=Appointment.Kind.SESSION,
        by=by,
        context_id=series.context_id,
        series=series,
        series_index=occurrence.index,
        video_link=video_link,
    )
    return appointment


def unplaced(series: Series) -> list[int]:
    """Indexes of the course with no appointment at all: conflicts awaiting placement."""
    placed = set(series.appointments.values_list("series_index", flat=True))
    return [index for index in range(1, series.count + 1) if index not in placed]


def place(
    series: Series, index: int, *, day: dt.date, at: dt.time, by: User, video_link: str = ""
) -> Appointment:
    """Book occurrence ``index`` by hand at a chosen local date and time (SlotTaken if busy)."""
    starts_at = local_to_utc(day, at, series.time_zone)
    ends_at = starts_at + dt.timedelta(minutes=series.duration_minutes)
    with transaction.atomic():
        return _book_occurrence(
            series, Occurrence(index, starts_at, ends_at), by=by, video_link=video_link
        )


def session_number(appointment: Appointment) -> int | None:
    """The appointment's place in its course, cancelled sessions not counted.

    How ipt should count: the n-th non-cancelled session appointment of the
    same ``context_id`` (moved-away originals are cancelled, so not counted).
    None for an appointment outside any course or itself cancelled.
    """
    if appointment.context_id is None or appointment.status in CANCELLED:
        return None
    earlier = Appointment.objects.filter(
        context_id=appointment.context_id, kind=Appointment.Kind.SESSION
    ).exclude(status__in=CANCELLED)
    before = Q(starts_at__lt=appointment.starts_at) | Q(
        starts_at=appointment.starts_at, pk__lt=appointment.pk
    )
    return earlier.filter(before).count() + 1


def session_numbers(appointments: list[Any]) -> dict[int, int]:
    """``session_number`` for a whole course at once (one pass, no query per row)."""
    numbers: dict[int, int] = {}
    counters: dict[Any, int] = {}
    for appointment in sorted(appointments, key=lambda a: (a.starts_at, a.pk)):
        if appointment.context_id is None or appointment.status in CANCELLED:
            continue
        counters[appointment.context_id] = counters.get(appointment.context_id, 0) + 1
        numbers[appointment.pk] = counters[appointment.context_id]
    return numbers


CANCELLED = (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)
