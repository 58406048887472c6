"""Booking confirmation e-mails: queued in the outbox, with the booking as an .ics file.

The e-mail is an outbox row (sent after commit, retried, exactly one Message-ID);
a ``BookingConfirmation`` row links it to the appointment, and the outbox asks
``attachments`` for the calendar file when it sends the row, so the file shows
the booking as it stands then. The subject names no one and nothing clinical;
times are in the clinic's zone, named (clients have no zone of their own).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.clients.language import for_client
from rapport.core.models import OutboundEmail
from rapport.core.outbox import Attachment, attachment_source, queue_email
from rapport.scheduling import ics
from rapport.scheduling.models import Appointment, BookingConfirmation, Series
from rapport.scheduling.reminders import recipient

TEMPLATE = "scheduling/emails/booking_confirmation"
CANCELLED = (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)


def confirm_booking(appointment: Appointment, series: Series | None = None) -> bool:
    """Queue the confirmation of one booking (or of a whole series); False when the
    person has no e-mail address to send it to."""
    address = recipient(appointment)
    if not address:
        return False
    appointments = _booked(appointment, series)
    with transaction.atomic(), for_client(appointment.client):  # in the client's language
        email = queue_email(
            TEMPLATE,
            to=address,
            context=email_context(appointment, appointments),
            clinic=appointment.clinic,
        )
        BookingConfirmation.objects.create(email=email, appointment=appointment, series=series)
    return True


def _booked(appointment: Appointment, series: Series | None) -> list[Appointment]:
    if series is None:
        return [appointment]
    rows = Appointment.objects.filter(series=series).exclude(status__in=CANCELLED)
    return list(rows.select_related("therapist").order_by("starts_at", "pk"))


def email_context(appointment: Appointment, appointments: list[Appointment]) -> dict[str, Any]:
    """What an e-mail about ``appointments`` says (booked or cancelled): times in the
    clinic's zone, named; initials, not names; the clinic's own crisis lines."""
    clinic = appointment.clinic
    return {
        "clinic_name": clinic.name,
        "time_zone": clinic.time_zone,
        "therapist_initials": ics._dotted(appointment.therapist.initials),
        "video_link": appointment.video_link,
        "times": [
            (
                timezone.localtime(a.starts_at, clinic.zone),
                timezone.localtime(a.ends_at, clinic.zone),
            )
            for a in appointments
        ],
        "crisis_resources": clinic.crisis_resources,
    }


@attachment_source
def attachments(email: OutboundEmail) -> list[Attachment]:
    """The booking's .ics for a confirmation row; nothing for any other e-mail."""
    found = (
        BookingConfirmation.objects.filter(email_id=email.pk)
        .select_related("appointment__therapist", "series")
        .first()
    )
    if found is None:
        return []
    appointments = _booked(found.appointment, found.series)
    return [("appointment.ics", ics.booking_ics(appointments), "text/calendar; method=PUBLISH")]
