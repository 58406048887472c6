"""Queue e-mail in the outbox; the worker sends it after commit, with retries.

Templates come in threes under ``<name>/``: ``subject.txt``, ``body.txt`` and
optionally ``body.html``. Subjects and bodies must carry no clinical content.

Delivery is at least once. A worker killed after the mail server took a message
but before the row was marked sent leaves the row pending, and it is sent again
once the claim lapses: no store and mail server commit together. The copy then
carries the same Message-ID (``message_id``), so mail clients show one message
(docs/operations.md, "Crash safety"; tests/crash).

Attachments are built when the row is sent, by the apps that registered an
``attachment_source`` (core imports none of them): scheduling attaches a booking
confirmation's .ics this way. The row itself stores no attachment.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.core import jobs
from rapport.core.models import OutboundEmail

logger = logging.getLogger(__name__)

# (filename, content, MIME type) of one attachment.
Attachment = tuple[str, bytes, str]
AttachmentSource = Callable[[OutboundEmail], list[Attachment]]
_attachment_sources: list[AttachmentSource] = []


def attachment_source(source: AttachmentSource) -> AttachmentSource:
    """Register ``source(email) -> [attachments]``, asked for every row as it is sent."""
    _attachment_sources.append(source)
    return source


def queue_email(
    template: str,
    *,
    to: str,
    context: dict[str, Any] | None = None,
    clinic: Any = None,
    public_id: uuid.UUID | None = None,
) -> OutboundEmail:
    """Queue one e-mail; ``public_id`` (else random) lets an app name the row it queued
    (the encrypted columns are bound to it, so it is set here, never changed after)."""
    context = context or {}
    subject = " ".join(render_to_string(f"{template}/subject.txt", context).split())
    try:
        html = render_to_string(f"{template}/body.html", context)
    except TemplateDoesNotExist:
        html = ""
    return OutboundEmail.objects.create(
        **({"public_id": public_id} if public_id else {}),
        clinic=clinic,
        recipient=to,
        subject=subject[:200],
        text_body=render_to_string(f"{template}/body.txt", context),
        html_body=html,
    )


def sender(clinic: Any) -> str:
    """The From header: the clinic's name with the configured address (DEFAULT_FROM_EMAIL).

    Clients see which practice wrote to them rather than "Rapport"; the address stays
    the one the mail server is configured to send from.
    """
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((clinic.name if clinic is not None else name or "Rapport", address))


def message_id(kind: str, key: object) -> str:
    """The Message-ID of one row's e-mail, the same on every attempt to send it."""
    host = settings.RAPPORT_BASE_URL.split("://")[-1].split("/")[0].split(":")[0]
    return f"<{kind}.{key}@{host or 'rapport'}>"


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


@jobs.register("outbox")
def send_due_emails(worker: str) -> int:
    due = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, due_at__lte=timezone.now()
    )
    claimed = jobs.claim(due, worker=worker, due_field="due_at")
    for pk in claimed:
        _send_one(pk, worker)
    return len(claimed)


def _send_one(pk: int, worker: str) -> None:
    mine = OutboundEmail.objects.filter(pk=pk, claimed_by=worker)
    try:
        # Reading (decryption) and building the message can fail too: any failure
        # counts as an attempt, so a bad row is retried, then given up, instead of
        # aborting the job and stranding the rest of its claimed batch.
        email = OutboundEmail.objects.select_related("clinic").get(pk=pk)
        if email.status != OutboundEmail.Status.PENDING or email.claimed_by != worker:
            return
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text_body,
            from_email=sender(email.clinic),
            to=[email.recipient],
            headers={"Message-ID": message_id("outbox", email.public_id)},
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        for source in _attachment_sources:
            for filename, content, mimetype in source(email):
                message.attach(filename, content, mimetype)
        if not jobs.hold(OutboundEmail, pk, worker=worker):
            return  # our claim lapsed while earlier rows were sending
        message.send()
    except Exception as error:
        _record_failure(mine, error)
        return
    mine.update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        attempts=email.attempts + 1,
        claimed_until=None,
    )
    logger.info("email sent", extra={"email": str(email.public_id)})


def _record_failure(mine: models.QuerySet, error: Exception) -> None:
    row = mine.values("attempts", "public_id").first()  # plain columns, readable regardless
    if row is None:
        return
    attempts = row["attempts"] + 1
    gave_up = attempts >= settings.RAPPORT_EMAIL_MAX_ATTEMPTS
    mine.update(
        attempts=attempts,
        status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
        due_at=timezone.now() + _retry_delay(attempts),
        claimed_by="",
        claimed_until=None,
        last_error=type(error).__name__,
    )
    logger.warning(
        "email not sent",
        extra={"email": str(row["public_id"]), "attempts": attempts, "gave_up": gave_up},
    )
