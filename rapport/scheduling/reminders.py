"""Appointment reminders: due rows at the clinic's lead times, sent once by the worker.

Why this job sends its e-mail itself instead of queueing it in the outbox: a
reminder carries an .ics attachment and ``OutboundEmail`` has no column for
attachments (adding one is a model change outside scheduling). The claimed
Reminder row is already the exactly-once unit the outbox row would be: it is
claimed (``jobs.claim``), the claim renewed just before sending (``jobs.hold``),
and marked sent only after the send succeeded; a failed send is retried five
minutes later. The one remaining window, a crash between a successful send
and the update a moment later, is the same one the outbox has: the reminder is
sent again, with the same Message-ID (tests/crash measures how often).

A reminder is never sent for a cancelled or moved appointment: cancelling or
moving cancels its pending reminders (``cancel_pending``), and the job checks
the appointment's status again at send time. The moved appointment gets its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rapport.clients.language import for_client, language_of
from rapport.core import audit, jobs
from rapport.core.outbox import message_id, sender
from rapport.scheduling import ics
from rapport.scheduling.booking import scheduling_settings
from rapport.scheduling.models import Appointment, Reminder
from rapport.scheduling.signals import appointment_booked

logger = logging.getLogger(__name__)
EMAIL_TEMPLATE = "scheduling/emails/reminder"
RETRY_AFTER = dt.timedelta(minutes=5)
REPLY_SALT = "rapport.scheduling.reminder-reply"

# Apps above scheduling (intake) may say who is reminded of an appointment that
# has no client record yet (an initial consultation booked for a request).
Recipient = Callable[[Appointment], str]
_recipient_sources: list[Recipient] = []


def recipient_source(source: Recipient) -> Recipient:
    _recipient_sources.append(source)
    return source


def recipient(appointment: Appointment) -> str:
    if appointment.client_id and appointment.client.email:
        return appointment.client.email
    for source in _recipient_sources:
        address = source(appointment)
        if address:
            return address
    return ""


def schedule(appointment: Appointment, now: dt.datetime | None = None) -> list[Reminder]:
    """One pending reminder per clinic lead time still in the future."""
    if appointment.status != Appointment.Status.BOOKED:
        return []
    now = now or timezone.now()
    leads = scheduling_settings(appointment.clinic).reminder_lead_minutes or []
    rows = [
        Reminder(
            appointment=appointment,
            lead_minutes=lead,
            send_at=appointment.starts_at - dt.timedelta(minutes=lead),
        )
        for lead in sorted(set(leads), reverse=True)
        if appointment.starts_at - dt.timedelta(minutes=lead) > now
    ]
    return Reminder.objects.bulk_create(rows, ignore_conflicts=True)


@receiver(appointment_booked, dispatch_uid="scheduling.remind_of_booking")
def remind_of_booking(sender: Any, appointment: Appointment, **kwargs: Any) -> None:
    """Every booked appointment (series, move, consultation) gets its reminders."""
    schedule(appointment)


def cancel_pending(appointment: Appointment) -> int:
    return Reminder.objects.filter(appointment=appointment, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, claimed_until=None
    )


def reply_token(appointment: Appointment) -> str:
    return signing.dumps(str(appointment.public_id), salt=REPLY_SALT, compress=True)


def appointment_for_reply(token: str) -> Appointment | None:
    """The appointment a reply link names, if the signature holds (else None)."""
    try:
        public_id = signing.loads(token, salt=REPLY_SALT)
    except signing.BadSignature:
        return None
    return (
        Appointment.objects.select_related("clinic", "therapist", "client")
        .filter(public_id=public_id)
        .first()
    )


def reply_language(request: Any, token: str) -> str | None:
    """The language a reply link opens in: the client's stored one (None: no client)."""
    found = appointment_for_reply(token)
    return language_of(found.client) if found is not None and found.client_id else None


def reply_link(appointment: Appointment) -> str:
    return settings.RAPPORT_BASE_URL + reverse(
        "scheduling:reminder_reply", args=[reply_token(appointment)]
    )


@jobs.register("appointment_reminders")
def send_due_reminders(worker: str) -> int:
    """Send each due reminder exactly once, however many workers run."""
    due = Reminder.objects.filter(status=Reminder.Status.PENDING, send_at__lte=timezone.now())
    claimed = jobs.claim(due, worker=worker, due_field="send_at")
    for pk in claimed:
        _send_one(pk, worker)
    return len(claimed)


def _send_one(pk: int, worker: str) -> None:
    reminder = Reminder.objects.select_related(
        "appointment", "appointment__clinic", "appointment__client", "appointment__therapist"
    ).get(pk=pk)
    mine = Reminder.objects.filter(pk=pk, claimed_by=worker, status=Reminder.Status.PENDING)
    appointment = reminder.appointment
    address = recipient(appointment)
    stale = appointment.status != Appointment.Status.BOOKED or appointment.starts_at <= (
        timezone.now()
    )
    if stale or not address:
        mine.update(status=Reminder.Status.CANCELLED, claimed_until=None)
        return
    try:
        message = _message(appointment, address, reminder.lead_minutes)
        if not jobs.hold(Reminder, pk, worker=worker):
            return  # our claim lapsed: another worker may have it now
        message.send()
    except Exception as error:
        mine.update(claimed_by="", claimed_until=None, send_at=timezone.now() + RETRY_AFTER)
        logger.warning("reminder not sent", extra={"reminder": pk, "error": type(error).__name__})
        return
    if mine.update(status=Reminder.Status.SENT, sent_at=timezone.now(), claimed_until=None):
        audit.record(None, "scheduling.reminder.sent", appointment, fields=["status"])
        logger.info("reminder sent", extra={"reminder": pk})


def _message(appointment: Appointment, address: str, lead: int) -> EmailMultiAlternatives:
    """Subject and body without clinical content or names; the event as an .ics file.

    A copy sent again after a crash (see the module's docstring) keeps its Message-ID.
    Written in the client's language (a consultation's prospect: the default one)."""
    with for_client(appointment.client):
        return _compose(appointment, address, lead)


def _compose(appointment: Appointment, address: str, lead: int) -> EmailMultiAlternatives:
    context = email_context(appointment)
    subject = " ".join(render_to_string(f"{EMAIL_TEMPLATE}/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{EMAIL_TEMPLATE}/body.txt", context),
        from_email=sender(appointment.clinic),
        to=[address],
        headers={"Message-ID": message_id("reminder", f"{appointment.public_id}.{lead}")},
    )
    message.attach_alternative(
        render_to_string(f"{EMAIL_TEMPLATE}/body.html", context), "text/html"
    )
    message.attach("appointment.ics", ics.appointment_ics(appointment), ics.PUBLISH_TYPE)
    return message


def email_context(appointment: Appointment) -> dict[str, Any]:
    zone = appointment.clinic.zone
    return {
        "starts_at": timezone.localtime(appointment.starts_at, zone),
        "ends_at": timezone.localtime(appointment.ends_at, zone),
        "time_zone": appointment.clinic.time_zone,
        "therapist_initials": ics._dotted(appointment.therapist.initials),
        "video_link": appointment.video_link,
        "reply_link": reply_link(appointment),
        "crisis_resources": appointment.clinic.crisis_resources,
    }
