"""Day and week calendars of a therapist, and the clinic-wide day (issue 5, item 9).

Times are shown in the viewer's zone (TimeZoneMiddleware activates it); the
page names the zone. Client names appear only where the viewer may see the
client (``Client.objects.visible_to``); any other appointment reads "Busy".
Every page runs a fixed number of queries, however many appointments it shows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.core.hooks import dashboard_panel
from rapport.core.inputs import parse_query_date
from rapport.core.models import Role, User
from rapport.scheduling.availability import free_slots
from rapport.scheduling.consent_flags import unsigned_on_first_sessions
from rapport.scheduling.models import Appointment
from rapport.scheduling.scope import (
    get_therapist,
    manages_clinic_schedule,
    schedule_staff,
    therapists_in_reach,
)
from rapport.scheduling.timeutil import local_day_bounds

DAY_HOURS = range(8, 18)  # rows always shown; earlier or later hours appear when used

# Higher apps (intake) may name consultation requests for viewers allowed to see
# them: ``(user, request_ids) -> {request_id: label}``. scheduling cannot import them.
RequestLabeller = Callable[[Any, set[uuid.UUID]], dict[uuid.UUID, str]]
_request_labellers: list[RequestLabeller] = []


def request_labeller(labeller: RequestLabeller) -> RequestLabeller:
    _request_labellers.append(labeller)
    return labeller


@dataclass
class Entry:
    """One appointment as the viewer may see it."""

    appointment: Appointment
    start: dt.datetime  # in the viewer's zone
    end: dt.datetime
    label: str
    client: Client | None  # set only when the viewer may open the client
    private: bool  # "Busy": not the viewer's to see
    unsigned_consents: list[str] = field(default_factory=list)  # on a first session


@schedule_staff
def calendar_week(request: HttpRequest) -> HttpResponse:
    therapist = _chosen_therapist(request)
    day = _chosen_day(request)
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    context = _base_context(request, therapist, day, "week")
    if therapist is not None:
        entries = _entries(request.user, [therapist], days[0], days[-1])
        context["rows"] = _grid(entries, days, lambda entry: entry.start.date())
        audit.record(request, "scheduling.calendar.viewed", therapist)
    context |= {
        "days": days,
        "prev": _query(therapist, monday - dt.timedelta(days=7)),
        "next": _query(therapist, monday + dt.timedelta(days=7)),
    }
    return render(request, "scheduling/calendar/week.html", context)


@schedule_staff
def calendar_day(request: HttpRequest) -> HttpResponse:
    therapist = _chosen_therapist(request)
    day = _chosen_day(request)
    context = _base_context(request, therapist, day, "day")
    if therapist is not None:
        context["entries"] = _entries(request.user, [therapist], day, day)
        context["free"] = [
            (start.astimezone(timezone.get_current_timezone()), end)
            for start, end in free_slots(therapist, day, 1)
        ]
        audit.record(request, "scheduling.calendar.viewed", therapist)
    context |= {
        "prev": _query(therapist, day - dt.timedelta(days=1)),
        "next": _query(therapist, day + dt.timedelta(days=1)),
    }
    return render(request, "scheduling/calendar/day.html", context)


@schedule_staff
def calendar_clinic(request: HttpRequest) -> HttpResponse:
    """Every therapist's column for one day: coordinators and admins only."""
    if not manages_clinic_schedule(request.user):
        raise PermissionDenied
    day = _chosen_day(request)
    therapists = list(therapists_in_reach(request.user))
    entries = _entries(request.user, therapists, day, day)
    columns = [t.pk for t in therapists]
    audit.record(request, "scheduling.calendar.viewed", request.user.clinic)
    context = {
        "day": day,
        "therapists": therapists,
        "rows": _grid(entries, columns, lambda entry: entry.appointment.therapist_id),
        "zone_name": timezone.get_current_timezone_name(),
        "today": _query(None, timezone.localdate()),
        "prev": _query(None, day - dt.timedelta(days=1)),
        "next": _query(None, day + dt.timedelta(days=1)),
    }
    return render(request, "scheduling/calendar/clinic.html", context)


def _chosen_therapist(request: HttpRequest) -> User | None:
    """The ?therapist= asked for (within reach, else 404); by default the viewer's own."""
    wanted = request.GET.get("therapist", "")
    if wanted:
        return get_therapist(request.user, wanted)
    if not manages_clinic_schedule(request.user):
        return request.user
    return therapists_in_reach(request.user).filter(pk=request.user.pk).first()


def _chosen_day(request: HttpRequest) -> dt.date:
    return parse_query_date(request, "date", timezone.localdate())


def _query(therapist: User | None, day: dt.date) -> str:
    params = {"date": day.isoformat()}
    if therapist is not None:
        params = {"therapist": str(therapist.public_id)} | params
    return "?" + urlencode(params)


def _base_context(request: HttpRequest, therapist: User | None, day: dt.date, view: str) -> dict:
    picker = (
        list(therapists_in_reach(request.user)) if manages_clinic_schedule(request.user) else []
    )
    return {
        "therapist": therapist,
        "is_own": therapist is not None and therapist.pk == request.user.pk,
        "day": day,
        "view": view,
        "picker": picker,
        "can_see_clinic": manages_clinic_schedule(request.user),
        "zone_name": timezone.get_current_timezone_name(),
        "today": _query(therapist, timezone.localdate()),
        "week_link": _query(therapist, day),
    }


def _entries(viewer: Any, therapists: list[User], first: dt.date, last: dt.date) -> list[Entry]:
    """The appointments of ``therapists`` on local days first..last, as the viewer may see them."""
    zone = timezone.get_current_timezone_name()
    starts, _end = local_day_bounds(first, zone)
    _start, ends = local_day_bounds(last, zone)
    appointments = (
        Appointment.objects.filter(therapist__in=therapists, clinic_id=viewer.clinic_id)
        .exclude(status=Appointment.Status.CANCELLED)
        .overlapping(starts, ends)
    )
    appointments = list(without_encrypted(appointments, "client"))  # names, not backgrounds
    client_ids = {a.client_id for a in appointments if a.client_id}
    visible = (
        set(
            Client.objects.visible_to(viewer, Capability.VIEW_CLIENTS)
            .filter(pk__in=client_ids)
            .values_list("pk", flat=True)
        )
        if client_ids
        else set()
    )
    requests = _request_labels(viewer, {a.request_id for a in appointments if a.request_id})
    entries = [_entry(a, visible, requests) for a in appointments]
    flags = unsigned_on_first_sessions(a for a in appointments if a.client_id in visible)
    for entry in entries:
        entry.unsigned_consents = flags.get(entry.appointment.pk, [])
    return entries


def _request_labels(viewer: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    labels: dict[uuid.UUID, str] = {}
    if ids:
        for labeller in _request_labellers:
            labels |= labeller(viewer, ids)
    return labels


def _entry(appointment: Appointment, visible: set[int], requests: dict) -> Entry:
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    if appointment.client_id in visible:
        return Entry(
            appointment, start, end, appointment.client.display_name, appointment.client, False
        )
    if appointment.client_id is None and appointment.request_id in requests:
        return Entry(appointment, start, end, requests[appointment.request_id], None, False)
    if appointment.client_id is None and appointment.request_id is not None:
        return Entry(appointment, start, end, _("Consultation request"), None, False)
    return Entry(appointment, start, end, _("Busy"), None, True)


def _grid(entries: Iterable[Entry], columns: list, column_of: Callable[[Entry], Any]) -> list:
    """Rows of (hour, [entries per column]) for a table: one row per hour of the day."""
    entries = list(entries)
    hours = sorted(set(DAY_HOURS) | {entry.start.hour for entry in entries})
    index = {key: n for n, key in enumerate(columns)}
    cells = {hour: [[] for _column in columns] for hour in hours}
    for entry in entries:
        column = index.get(column_of(entry))
        if column is not None:
            cells[entry.start.hour][column].append(entry)
    return [(dt.time(hour), cells[hour]) for hour in hours]


@dashboard_panel(order=40)
def schedule_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Links to the calendars and availability (no query: the roles are cached)."""
    user = request.user
    clinic_wide = manages_clinic_schedule(user)
    if not (clinic_wide or user.has_role(Role.THERAPIST)):
        return None
    return "scheduling/calendar/panel.html", {
        "clinic_wide": clinic_wide,
        "own": user.has_role(Role.THERAPIST),
    }
