"""Cancellation e-mails: the client hears that an appointment is cancelled, with a
calendar file (METHOD:CANCEL) that removes the event their calendar holds.

The e-mail is an outbox row (sent after commit, retried, one Message-ID); the outbox
asks ``attachments`` for the calendar file when it sends the row. The row names the
appointment it cancels without a column of its own: its ``public_id`` is the
appointment's, XOR a fixed mask. That is reversible, and unique, so an appointment
gets one cancellation e-mail at most. One cancellation of "this and all following"
sends one e-mail: the occurrences share their ``cancelled_at``.
"""

from __future__ import annotations

import uuid

from rapport.clients.language import for_client
from rapport.core.models import OutboundEmail
from rapport.core.outbox import Attachment, attachment_source, queue_email
from rapport.scheduling import ics
from rapport.scheduling.confirmations import CANCELLED, email_context
from rapport.scheduling.models import Appointment
from rapport.scheduling.reminders import recipient

TEMPLATE = "scheduling/emails/cancellation"
_MASK = uuid.UUID("5f0c2b9e-8d41-4e7a-9a63-c1d2e3f40516").int


def _email_id(appointment: Appointment) -> uuid.UUID:
    return uuid.UUID(int=appointment.public_id.int ^ _MASK)


def notify_cancelled(cancelled: list[Appointment]) -> bool:
    """Queue one e-mail for the appointments one cancellation ended (``changes.cancel``'s
    result); False when the person has no address or was already told."""
    if not cancelled:
        return False
    first = cancelled[0]
    address = recipient(first)
    email_id = _email_id(first)
    if not address or OutboundEmail.objects.filter(public_id=email_id).exists():
        return False
    with for_client(first.client):  # in the client's language
        queue_email(
            TEMPLATE,
            to=address,
            context=email_context(first, sorted(cancelled, key=lambda a: a.starts_at)),
            clinic=first.clinic,
            public_id=email_id,
        )
    return True


def _cancelled_together(email: OutboundEmail) -> list[Appointment]:
    first = (
        Appointment.objects.filter(
            public_id=uuid.UUID(int=email.public_id.int ^ _MASK),
            clinic_id=email.clinic_id,
            status__in=CANCELLED,
        )
        .select_related("therapist")
        .first()
    )
    if first is None:
        return []
    if first.series_id is None:
        return [first]
    together = Appointment.objects.filter(
        series_id=first.series_id, cancelled_at=first.cancelled_at, status__in=CANCELLED
    )
    return list(together.select_related("therapist").order_by("starts_at", "pk"))


@attachment_source
def attachments(email: OutboundEmail) -> list[Attachment]:
    """The METHOD:CANCEL file of a cancellation row; nothing for any other e-mail."""
    cancelled = _cancelled_together(email)
    if not cancelled:
        return []
    return [("cancellation.ics", ics.cancel_ics(cancelled), ics.CANCEL_TYPE)]
