"""One appointment: see it, cancel or move it (one or all following), attendance,
video link; and the client's reply link from a reminder (public, signed)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.fields import without_encrypted
from rapport.core.inputs import SaneDateField
from rapport.core.models import AuditEvent
from rapport.core.outbox import queue_email
from rapport.scheduling import cancellations, changes, reminders
from rapport.scheduling import requests as reschedule_requests
from rapport.scheduling.booking import SlotTaken, scheduling_settings
from rapport.scheduling.consent_flags import unsigned_on_first_sessions
from rapport.scheduling.models import Appointment, RescheduleRequest
from rapport.scheduling.series import session_number

SCOPE_CHOICES = [
    ("one", gettext_lazy("Only this appointment")),
    ("following", gettext_lazy("This and all following appointments of the series")),
]
REPLIES = {
    "confirm": "scheduling.appointment.confirmed",
    "reschedule": "scheduling.appointment.reschedule_requested",
}
REPLY_EMAIL = "scheduling/emails/reschedule_request"


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Which appointments"),
        choices=SCOPE_CHOICES,
        initial="one",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, in_series: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]

    @property
    def all_following(self) -> bool:
        return self.cleaned_data.get("scope") == "following"


class CancelForm(ScopeForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Operational only (for example “client unwell”); no clinical detail."
        ),
    )


class MoveForm(ScopeForm):
    day = SaneDateField(label=gettext_lazy("New date"), widget=forms.DateInput({"type": "date"}))
    at = forms.TimeField(
        label=gettext_lazy("New start time"),
        widget=forms.TimeInput({"type": "time"}, format="%H:%M"),
    )


def https_only(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Use a secure link starting with https://."))


class VideoLinkForm(forms.Form):
    video_link = forms.CharField(
        label=gettext_lazy("Video link"),
        required=False,
        max_length=200,
        validators=[URLValidator(schemes=["https"]), https_only],
        widget=forms.URLInput,
        help_text=gettext_lazy(
            "Optional: the link of the external video service, starting with https://."
        ),
    )


def get_appointment(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability
) -> Appointment:
    # The page shows the client's name (their encrypted background stays unread) and
    # the appointment's own cancellation reason.
    queryset = without_encrypted(
        Appointment.objects.visible_to(request.user, capability),
        "clinic",
        "client",
        "therapist",
        "series",
        "moved_from",
        keep=("cancel_reason",),
    )
    return get_object_or_404(queryset, public_id=public_id)


def _can_change(request: HttpRequest, appointment: Appointment) -> bool:
    return (
        Appointment.objects.visible_to(request.user, Capability.EDIT_DEMOGRAPHICS)
        .filter(pk=appointment.pk)
        .exists()
    )


@requires(Capability.VIEW_CLIENTS)
def appointment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_appointment(request, public_id, Capability.VIEW_CLIENTS)
    audit.record(request, "scheduling.appointment.viewed", found)
    return _detail(request, found)


def _detail(request: HttpRequest, found: Appointment, **extra: Any) -> HttpResponse:
    now = timezone.now()
    replies = AuditEvent.objects.filter(
        object_id=str(found.public_id), action__in=REPLIES.values()
    ).order_by("-at")[:5]
    context = {
        "appointment": found,
        "number": session_number(found),
        "moved_to": Appointment.objects.filter(moved_from=found).first(),
        "can_change": _can_change(request, found),
        "changeable": found.status in changes.CHANGEABLE and found.starts_at > now,
        "takes_attendance": found.starts_at <= now
        and found.status
        in (Appointment.Status.BOOKED, Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW),
        "replies": [(event.at, event.action == REPLIES["confirm"]) for event in replies],
        "video_form": VideoLinkForm(initial={"video_link": found.video_link}),
        "unsigned_consents": unsigned_on_first_sessions([found]).get(found.pk, []),
        "reschedule_requests": _reschedule_requests(request, found),
        **extra,
    }
    return render(request, "scheduling/appointments/detail.html", context)


def _reschedule_requests(request: HttpRequest, found: Appointment) -> list[RescheduleRequest]:
    """The client's requests to move this appointment, latest first (their words: audited)."""
    asked = list(
        RescheduleRequest.objects.filter(appointment=found).order_by("-requested_at", "-pk")[:5]
    )
    if asked:
        audit.record(
            request, "scheduling.reschedule_request.viewed", found, fields=["preferred_times"]
        )
    return asked


@requires(Capability.EDIT_DEMOGRAPHICS)
def appointment_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_appointment(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    form = CancelForm(request.POST or None, in_series=found.series_id is not None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = changes.cancel(
                found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                all_following=form.all_following,
            )
        except changes.ChangeRefused as error:
            form.add_error(None, str(error))
        else:
            for each in cancelled:
                audit.record(request, "scheduling.appointment.cancelled", each, fields=["status"])
            cancellations.notify_cancelled(cancelled)
            messages.success(request, _cancelled_message(cancelled))
            return redirect("scheduling:appointment", public_id=found.public_id)
    context = {
        "appointment": found,
        "form": form,
        "late": changes.is_late(found),
        "late_hours": scheduling_settings(found.clinic).late_cancellation_hours,
    }
    return render(request, "scheduling/appointments/cancel.html", context)


def _cancelled_message(cancelled: list[Appointment]) -> str:
    late = sum(each.status == Appointment.Status.LATE_CANCELLED for each in cancelled)
    text = _("%(n)s appointment(s) cancelled.") % {"n": len(cancelled)}
    if late:
        text += " " + _("Recorded as a late cancellation.")
    return text


@requires(Capability.EDIT_DEMOGRAPHICS)
def appointment_reschedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_appointment(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    zone = timezone.get_current_timezone_name()
    local = timezone.localtime(found.starts_at)
    form = MoveForm(
        request.POST or None,
        in_series=found.series_id is not None,
        initial={"day": local.date(), "at": local.time()},
    )
    if request.method == "POST" and form.is_valid():
        moved = _move(request, found, form, zone)
        if moved:
            messages.success(request, _("Appointment moved. Reminders follow the new time."))
            return redirect("scheduling:appointment", public_id=moved[0].public_id)
    context = {"appointment": found, "form": form, "zone": zone}
    return render(request, "scheduling/appointments/reschedule.html", context)


def _move(request: HttpRequest, found: Appointment, form: MoveForm, zone: str) -> list[Appointment]:
    try:
        with transaction.atomic():
            moved = changes.move(
                found,
                day=form.cleaned_data["day"],
                at=form.cleaned_data["at"],
                zone=zone,
                by=request.user,
                all_following=form.all_following,
            )
            for each in moved:
                audit.record(request, "scheduling.appointment.moved", each, fields=["starts_at"])
    except (SlotTaken, changes.ChangeRefused) as error:
        form.add_error(None, str(error))
        return []
    return moved


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Appointment.Status.ATTENDED, Appointment.Status.ATTENDED.label),
            (Appointment.Status.NO_SHOW, Appointment.Status.NO_SHOW.label),
        ]
    )


@require_POST
@requires(Capability.EDIT_DEMOGRAPHICS)
def appointment_attendance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_appointment(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    form = AttendanceForm(request.POST)
    try:
        if not form.is_valid():
            raise changes.ChangeRefused(_("Choose attended or did not attend."))
        changes.record_attendance(found, form.cleaned_data["status"])
    except changes.ChangeRefused as error:
        messages.error(request, str(error))
    else:
        audit.record(request, "scheduling.appointment.attendance", found, fields=["status"])
        messages.success(
            request, _("Recorded: %(status)s.") % {"status": found.get_status_display()}
        )
    return redirect("scheduling:appointment", public_id=found.public_id)


@require_POST
@requires(Capability.EDIT_DEMOGRAPHICS)
def appointment_video(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_appointment(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    form = VideoLinkForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, video_form=form)
    changes.set_video_link(found, form.cleaned_data["video_link"])
    audit.record(request, "scheduling.appointment.changed", found, fields=["video_link"])
    messages.success(request, _("Video link saved."))
    return redirect("scheduling:appointment", public_id=found.public_id)


@never_cache
def reminder_reply(request: HttpRequest, token: str) -> HttpResponse:
    """The client's answer to a reminder: confirm, or ask to reschedule (no account)."""
    found = reminders.appointment_for_reply(token)
    open_ = (
        found is not None
        and found.status == Appointment.Status.BOOKED
        and found.starts_at > timezone.now()
    )
    context: dict[str, Any] = {"appointment": found if open_ else None}
    if found is not None:  # the client's own clinic, its name and crisis resources
        context |= {"clinic": found.clinic, "crisis_resources": found.clinic.crisis_resources}
    if not open_:
        return render(request, "scheduling/appointments/reply.html", context, status=404)
    if request.method == "POST" and request.POST.get("answer") in REPLIES:
        answer = request.POST["answer"]
        _record_reply(found, answer)
        context["answered"] = answer
    return render(request, "scheduling/appointments/reply.html", context)


def _record_reply(found: Appointment, answer: str) -> None:
    action = REPLIES[answer]
    already = AuditEvent.objects.filter(object_id=str(found.public_id), action=action).exists()
    audit.record(None, action, found)
    if answer == "reschedule" and not already:
        _tell_staff_of_reply(found)


def _tell_staff_of_reply(found: Appointment) -> None:
    """Whoever answers a portal request hears of this one too: intake and the therapist.

    Names nobody: they open the appointment to see who asked. In English, as staff
    e-mails are, whatever language the reply page was in."""
    link = _absolute_appointment_link(found)
    with translation.override(settings.LANGUAGE_CODE):
        for user in reschedule_requests.people_to_tell(found):
            if user.email:
                queue_email(REPLY_EMAIL, to=user.email, clinic=found.clinic, context={"link": link})


def _absolute_appointment_link(found: Appointment) -> str:
    return settings.RAPPORT_BASE_URL + reverse("scheduling:appointment", args=[found.public_id])
