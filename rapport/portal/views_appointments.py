"""The client's (or guardian's) appointments: upcoming and past, a calendar file of
each, confirm, cancel within the clinic's policy, and ask to reschedule.

Every action is a plain form (POST, then redirect), so it works without JavaScript;
cancelling asks first on its own page. Times are in the reader's zone, named.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.portal.access import portal_client, portal_view
from rapport.scheduling import cancellations, changes, ics, requests
from rapport.scheduling.booking import scheduling_settings
from rapport.scheduling.models import Appointment

PAGE_SIZE = 10
CANCELLED = (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)
CAPABILITY = Capability.PORTAL_SHARED  # guardians manage appointments too


class RescheduleForm(forms.Form):
    preferred_times = forms.CharField(
        label=gettext_lazy("Which days and times would suit you?"),
        help_text=gettext_lazy(
            "For example: “Tuesday or Thursday mornings, not before 9”. The clinic will "
            "contact you to agree a new time."
        ),
        max_length=requests.PREFERRED_TIMES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _appointments(request: HttpRequest) -> Any:
    return without_encrypted(
        Appointment.objects.visible_to(request.user, CAPABILITY), "therapist", "client"
    )


def _get(request: HttpRequest, public_id: uuid.UUID) -> Appointment:
    return get_object_or_404(_appointments(request).select_related("clinic"), public_id=public_id)


def _is_open(appointment: Appointment) -> bool:
    return appointment.status in changes.CHANGEABLE and appointment.starts_at > timezone.now()


@portal_view(CAPABILITY)
def appointments(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    now = timezone.now()
    mine = _appointments(request).filter(client=client)
    upcoming = mine.filter(starts_at__gte=now).exclude(status__in=CANCELLED).order_by("starts_at")
    # Past ones, and cancelled ones (except a time moved to a new one: the new one shows).
    past = (
        mine.filter(Q(starts_at__lt=now) | Q(status__in=CANCELLED))
        .filter(moved_to__isnull=True)
        .order_by("-starts_at", "-pk")
    )
    upcoming_page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    past_page = Paginator(past, PAGE_SIZE).get_page(request.GET.get("past"))
    audit.record(request, "portal.appointments.viewed", client)
    context = {
        "client": client,
        "upcoming": upcoming_page,
        "past": past_page,
        "zone": timezone.get_current_timezone_name(),
        "open_statuses": changes.CHANGEABLE,
    }
    return render(request, "portal/appointments/list.html", context)


@portal_view(CAPABILITY)
def appointment_ics(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The appointment as a calendar file (the same event as the reminder e-mail's)."""
    found = _get(request, public_id)
    if found.status in CANCELLED:
        messages.error(request, _("This appointment is cancelled: there is nothing to add."))
        return redirect("portal:appointments")
    audit.record(request, "portal.appointment.downloaded", found)
    response = HttpResponse(ics.appointment_ics(found), content_type=ics.PUBLISH_TYPE)
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_POST
@portal_view(CAPABILITY)
def appointment_confirm(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _get(request, public_id)
    try:
        requests.confirm(found)
    except changes.ChangeRefused as error:
        messages.error(request, str(error))
    else:
        # The same event as a reminder's "I'll be there": the staff page lists both.
        audit.record(request, "scheduling.appointment.confirmed", found, fields=["confirmed_at"])
        messages.success(request, _("Thank you: the clinic knows you are coming."))
    return redirect("portal:appointments")


@portal_view(CAPABILITY)
def appointment_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A page that asks first; its form cancels (late, inside the clinic's window)."""
    found = _get(request, public_id)
    if not _is_open(found):
        messages.error(request, _("This appointment can no longer be cancelled here."))
        return redirect("portal:appointments")
    if request.method == "POST":
        try:
            cancelled = changes.cancel(found, by=request.user, reason=_("Cancelled in the portal"))
        except changes.ChangeRefused as error:
            messages.error(request, str(error))
            return redirect("portal:appointments")
        audit.record(request, "scheduling.appointment.cancelled", found, fields=["status"])
        cancellations.notify_cancelled(cancelled)
        if found.status == Appointment.Status.LATE_CANCELLED:
            messages.warning(
                request,
                _("Your appointment is cancelled. It was recorded as a late cancellation."),
            )
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return redirect("portal:appointments")
    context = {
        "appointment": found,
        "late": changes.is_late(found),
        "late_hours": scheduling_settings(found.clinic).late_cancellation_hours,
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "portal/appointments/cancel.html", context)


@portal_view(CAPABILITY)
def appointment_reschedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _get(request, public_id)
    if not _is_open(found):
        messages.error(request, _("This appointment can no longer be moved here."))
        return redirect("portal:appointments")
    form = RescheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.request_reschedule(
                found, preferred_times=form.cleaned_data["preferred_times"], by=request.user
            )
        except changes.ChangeRefused as error:
            form.add_error(None, str(error))
        else:
            audit.record(
                request,
                "scheduling.appointment.reschedule_requested",
                found,
                fields=["preferred_times"],
            )
            messages.success(
                request,
                _("Your request is sent. The clinic will contact you to agree a new time."),
            )
            return redirect("portal:appointments")
    context = {"appointment": found, "form": form, "zone": timezone.get_current_timezone_name()}
    return render(request, "portal/appointments/reschedule.html", context)
