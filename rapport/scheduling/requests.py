"""What clients ask of an appointment from the portal: confirm they will come, or
ask to move it. A reschedule request waits for the intake coordinator, who sees it
on the dashboard (and its count on the navigation) and on the appointment's page.

Moving or cancelling the appointment answers its open requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.hooks import dashboard_panel, needs_action_source
from rapport.core.models import Role
from rapport.scheduling.changes import CHANGEABLE, ChangeRefused
from rapport.scheduling.models import Appointment, RescheduleRequest
from rapport.scheduling.signals import appointment_cancelled

PREFERRED_TIMES_MAX = 1000
SHOWN = 10


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
    return RescheduleRequest.objects.create(
        appointment=appointment,
        preferred_times=preferred_times.strip()[:PREFERRED_TIMES_MAX],
        requested_by=by,
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
    """Open requests the user handles: the clinic's, for an intake coordinator."""
    if Role.INTAKE_COORDINATOR not in user.roles:
        return RescheduleRequest.objects.none()
    return RescheduleRequest.objects.visible_to(user, Capability.EDIT_DEMOGRAPHICS).open()


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
