"""Questionnaires follow the calendar: a booked session gets its invitation (issue 4 item 2).

scheduling announces bookings and cancellations (rapport.scheduling.signals);
measures listens, so scheduling never imports measures (DESIGN.md layering).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from rapport.measures import invitations, schedule
from rapport.measures.models import Invitation
from rapport.scheduling.models import Appointment
from rapport.scheduling.series import session_number
from rapport.scheduling.signals import appointment_booked, appointment_cancelled

logger = logging.getLogger(__name__)


def _send_at(appointment: Appointment) -> Any:
    hours = schedule.clinic_settings(appointment.clinic).invitation_hours_before
    return max(appointment.starts_at - timedelta(hours=hours), timezone.now())


@receiver(appointment_booked, dispatch_uid="measures.invite_before_session")
def invite_before_session(sender: Any, appointment: Appointment, **kwargs: Any) -> None:
    """Before each booked IPT session, send the questionnaires its schedule asks for."""
    if (
        appointment.kind != Appointment.Kind.SESSION
        or appointment.client_id is None
        or appointment.context_id is None
        or appointment.status != Appointment.Status.BOOKED
        or appointment.starts_at <= timezone.now()
    ):
        return
    number = session_number(appointment)
    due = schedule.remote_instruments(schedule.due_instruments(appointment.context_id, number or 1))
    if not due:
        return
    try:
        invitations.create_invitation(
            appointment.client,
            due=due,
            send_at=_send_at(appointment),
            context_id=appointment.context_id,
            session_number=number,
        )
    except invitations.InvitationRefused:
        # No e-mail address, or no active therapist for self-harm items (safety.md §5.1):
        # the therapist can still complete the measures in session.
        logger.info(
            "no questionnaire invitation", extra={"appointment": str(appointment.public_id)}
        )


@receiver(appointment_cancelled, dispatch_uid="measures.cancel_invitation")
def cancel_invitation(sender: Any, appointment: Appointment, **kwargs: Any) -> None:
    """A cancelled or moved session's unsent invitation is withdrawn (the move books anew)."""
    if appointment.context_id is None or appointment.client_id is None:
        return
    Invitation.objects.filter(
        client_id=appointment.client_id,
        context_id=appointment.context_id,
        status=Invitation.Status.SCHEDULED,
        send_at=_send_at(appointment),
    ).update(status=Invitation.Status.CANCELLED)
