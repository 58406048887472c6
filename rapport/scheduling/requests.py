"""What clients ask of an appointment from the portal: confirm they will come, or
ask to move it.

A reschedule request reaches people at once: an e-mail (no name, no times: a link to
the appointment) to the clinic's intake coordinators and to the appointment's
therapist. It then waits on the dashboard (and in the navigation's count) of each
coordinator, for all the clinic's requests, and of the therapist, for their own
appointments, so a clinic without a coordinator still sees it; any of them may mark
it handled on the appointment's page. Moving or cancelling the appointment answers
its open requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.hooks import dashboard_panel, needs_action_source
from rapport.core.models import Role, User
from rapport.core.outbox import queue_email
from rapport.scheduling.changes import CHANGEABLE, ChangeRefused
from rapport.scheduling.models import Appointment, RescheduleRequest
from rapport.scheduling.signals import appointment_cancelled

PREFERRED_TIMES_MAX = 1000
SHOWN = 10
WAITING_EMAIL = "scheduling/emails/reschedule_waiting"


def _check_open(appointment: Appointment, now: dt.datetime) -> None:
    if appointment.status not in CHANGEABLE:
        raise ChangeRefused(_("This appointment is no longer booked."))
    if appointment.starts_at <= now:
        raise ChangeRefused(_("This appointment has already started."))


def confirm(appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    """Record that the client will come; False if they had already confirmed."""
    now = now or timezone.now()
    _check_open(appointment, now)
    if appointment.confirmed_at is not None:
        return False
    appointment.confirmed_at = now
    Appointment.objects.filter(pk=appointment.pk).update(confirmed_at=now, version=F("version") + 1)
    return True


def request_reschedule(
    appointment: Appointment, *, preferred_times: str, by: Any, now: dt.datetime | None = None
) -> RescheduleRequest:
    """Ask the clinic to move an appointment; one open request per appointment."""
    now = now or timezone.now()
    _check_open(appointment, now)
    if RescheduleRequest.objects.open().filter(appointment=appointment).exists():
        raise ChangeRefused(
            _("You have already asked to move this appointment. The clinic will contact you.")
        )
    asked = RescheduleRequest.objects.create(
        appointment=appointment,
        preferred_times=preferred_times.strip()[:PREFERRED_TIMES_MAX],
        requested_by=by,
    )
    _tell_staff(appointment)
    return asked


def people_to_tell(appointment: Appointment) -> list[User]:
    """The clinic's active intake coordinators, then the appointment's therapist."""
    staff = User.objects.filter(is_active=True, clinic_id=appointment.clinic_id)
    found = list(staff.filter(staff_roles__role=Role.INTAKE_COORDINATOR).distinct().order_by("pk"))
    therapist = appointment.therapist
    if therapist.is_active and therapist.clinic_id == appointment.clinic_id:
        found += [therapist] if therapist not in found else []
    return found


def _tell_staff(appointment: Appointment) -> None:
    """E-mail that a request waits: no name, no times, only a link to the appointment.

    Staff e-mails are in English whatever language the client's portal is in."""
    link = settings.RAPPORT_BASE_URL + reverse(
        "scheduling:appointment", args=[appointment.public_id]
    )
    with translation.override(settings.LANGUAGE_CODE):
        for user in people_to_tell(appointment):
            if user.email:
                queue_email(
                    WAITING_EMAIL, to=user.email, context={"link": link}, clinic=appointment.clinic
                )


def mark_handled(found: RescheduleRequest, *, by: Any, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    RescheduleRequest.objects.filter(pk=found.pk, handled_at__isnull=True).update(
        handled_at=now, handled_by=by
    )


@receiver(appointment_cancelled, dispatch_uid="scheduling.answer_reschedule_requests")
def _answered_by_change(sender: Any, appointment: Appointment, **kwargs: Any) -> None:
    """Moving or cancelling the appointment is the coordinator's answer."""
    RescheduleRequest.objects.open().filter(appointment_id=appointment.pk).update(
        handled_at=appointment.cancelled_at or timezone.now(), handled_by=appointment.cancelled_by
    )


def open_requests(user: Any) -> Any:
    """Open requests the user handles: the clinic's for an intake coordinator, and a
    therapist's own appointments' (within what they may change)."""
    found = RescheduleRequest.objects.visible_to(user, Capability.EDIT_DEMOGRAPHICS).open()
    if Role.INTAKE_COORDINATOR in user.roles:
        return found
    if Role.THERAPIST in user.roles:
        return found.filter(appointment__therapist=user)
    return RescheduleRequest.objects.none()


@needs_action_source
def requests_needing_action(user: Any) -> list[tuple[str, int, str]]:
    count = open_requests(user).count()
    label = ngettext("%(n)d request to reschedule", "%(n)d requests to reschedule", count) % {
        "n": count
    }
    return [("reschedule", count, label)]


@dashboard_panel(order=30)
def reschedule_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The coordinator's list of clients' requests to move an appointment, oldest first."""
    found = open_requests(request.user)
    shown = list(
        found.select_related("appointment", "appointment__client", "appointment__therapist")
        .defer("appointment__client__background", "appointment__cancel_reason")
        .order_by("requested_at", "pk")[:SHOWN]
    )
    if not shown:
        return None
    audit.record(request, "scheduling.reschedule_request.listed", fields=["preferred_times"])
    return "scheduling/requests/panel.html", {"requests": shown, "count": found.count()}
