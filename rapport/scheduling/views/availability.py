"""Weekly working hours and time off (issue 5, item 4).

Who may edit whose hours is decided in one place: ``rapport.scheduling.scope``.
Blocks and time off are removed by their row id sent in the POST body (never in
the URL), looked up within the therapist's own rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.models import User
from rapport.scheduling.availability import occupying
from rapport.scheduling.forms_availability import TimeOffForm, WeeklyHoursForm
from rapport.scheduling.models import TimeOff, WeeklyHours
from rapport.scheduling.scope import (
    get_therapist,
    manages_clinic_schedule,
    schedule_staff,
    therapists_in_reach,
    zone_of,
)
from rapport.scheduling.timeutil import utc_to_local


@schedule_staff
def availability_index(request: HttpRequest) -> HttpResponse:
    """Coordinators pick a therapist; a therapist goes straight to their own hours."""
    if not manages_clinic_schedule(request.user):
        return redirect("scheduling:availability", public_id=request.user.public_id)
    therapists = list(therapists_in_reach(request.user))
    return render(request, "scheduling/availability/index.html", {"therapists": therapists})


@schedule_staff
def availability(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    therapist = get_therapist(request.user, public_id)
    return _page(request, therapist)


def _page(request: HttpRequest, therapist: User, **forms: Any) -> HttpResponse:
    zone = zone_of(therapist)
    forms.setdefault(
        "hours_form", WeeklyHoursForm(therapist=therapist, initial={"time_zone": zone})
    )
    forms.setdefault("time_off_form", TimeOffForm(therapist=therapist, zone=zone))
    context = {
        "therapist": therapist,
        "zone": zone,
        "hours": list(WeeklyHours.objects.filter(therapist=therapist)),
        "time_off": _with_local_days(
            TimeOff.objects.filter(therapist=therapist, ends_at__gt=timezone.now()), zone
        ),
        "is_own": therapist.pk == request.user.pk,
        **forms,
    }
    return render(request, "scheduling/availability/therapist.html", context)


def _with_local_days(rows: Iterable[TimeOff], zone: str) -> list[TimeOff]:
    """Time off as the days the therapist is away, in their own zone."""
    rows = list(rows)
    for away in rows:
        away.first_day = utc_to_local(away.starts_at, zone).date()
        # ends_at is the midnight after the last day away.
        away.last_day = (utc_to_local(away.ends_at, zone) - dt.timedelta(microseconds=1)).date()
    return rows


@require_POST
@schedule_staff
def hours_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    therapist = get_therapist(request.user, public_id)
    form = WeeklyHoursForm(request.POST, therapist=therapist)
    if not form.is_valid():
        return _page(request, therapist, hours_form=form)
    block = form.save()
    audit.record(request, "scheduling.hours.updated", therapist, fields=["weekly_hours"])
    messages.success(
        request,
        _("Added %(day)s %(from)s–%(until)s.")
        % {
            "day": block.get_weekday_display(),
            "from": f"{block.starts:%H:%M}",
            "until": f"{block.ends:%H:%M}",
        },
    )
    return redirect("scheduling:availability", public_id=therapist.public_id)


@require_POST
@schedule_staff
def hours_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    therapist = get_therapist(request.user, public_id)
    block = get_object_or_404(WeeklyHours, therapist=therapist, pk=_row_id(request))
    block.delete()
    audit.record(request, "scheduling.hours.updated", therapist, fields=["weekly_hours"])
    messages.success(request, _("Working hours removed. Booked appointments are unchanged."))
    return redirect("scheduling:availability", public_id=therapist.public_id)


@require_POST
@schedule_staff
def time_off_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    therapist = get_therapist(request.user, public_id)
    form = TimeOffForm(request.POST, therapist=therapist, zone=zone_of(therapist))
    if not form.is_valid():
        return _page(request, therapist, time_off_form=form)
    away = form.save()
    audit.record(request, "scheduling.hours.updated", therapist, fields=["time_off"])
    messages.success(request, _("Time off added."))
    clashes = occupying().filter(therapist=therapist).overlapping(away.starts_at, away.ends_at)
    count = clashes.count()
    if count:
        # Time off never cancels sessions silently: someone must move them.
        messages.warning(
            request,
            ngettext(
                "%(count)d booked appointment falls in this time off: move or cancel it.",
                "%(count)d booked appointments fall in this time off: move or cancel them.",
                count,
            )
            % {"count": count},
        )
    return redirect("scheduling:availability", public_id=therapist.public_id)


@require_POST
@schedule_staff
def time_off_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    therapist = get_therapist(request.user, public_id)
    away = get_object_or_404(TimeOff, therapist=therapist, pk=_row_id(request))
    away.delete()
    audit.record(request, "scheduling.hours.updated", therapist, fields=["time_off"])
    messages.success(request, _("Time off removed."))
    return redirect("scheduling:availability", public_id=therapist.public_id)


def _row_id(request: HttpRequest) -> int:
    value = request.POST.get("row", "")
    return int(value) if value.isascii() and value.isdigit() else 0  # "²".isdigit() too
