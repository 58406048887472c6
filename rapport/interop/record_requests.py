"""The life of a portal request for a copy of the record: asked, then released or declined."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.core.outbox import queue_email
from rapport.interop import record
from rapport.interop.record_models import AVAILABLE_FOR, RecordRequest

READY_EMAIL = "interop/emails/record_ready"


class AlreadyDecided(Exception):
    """The request was released or declined meanwhile (another tab, a colleague)."""


def ask(client: Client, by: Any) -> tuple[RecordRequest, bool]:
    """The client's open request, or a new one due in 30 days; True when new."""
    with transaction.atomic():
        open_one = (
            RecordRequest.objects.select_for_update()
            .filter(client=client, status=RecordRequest.Status.REQUESTED)
            .first()
        )
        if open_one is not None:
            return open_one, False
        now = timezone.now()
        made = RecordRequest.objects.create(
            client=client,
            requested_by=by,
            requested_at=now,
            due_on=RecordRequest.due_date(timezone.localdate(now, client.clinic.zone)),
        )
        return made, True


def release(request_row: RecordRequest, by: Any) -> RecordRequest:
    """Build the record now, make it downloadable in the portal, and tell the client."""
    content = record.build_zip(request_row.client)
    now = timezone.now()
    request_row.archive = base64.b64encode(content).decode()
    with transaction.atomic():  # the e-mail is queued only with the release itself
        released = _decide(
            request_row,
            by,
            status=RecordRequest.Status.RELEASED,
            archive=request_row.archive,
            available_until=now + AVAILABLE_FOR,
        )
        tell_ready(released.client)
    return released


def tell_ready(client: Client) -> None:
    """E-mail the client's own portal account, in the client's language: a link, no PHI.

    The subject names no record and no clinic word, and the body holds only the
    portal's record page address: the copy itself is behind the sign-in.
    """
    from rapport.portal.models import PortalAccount  # the portal stands above interop

    account = PortalAccount.objects.active().filter(client=client, role="client").first()
    if account is None:
        return  # no portal account any more: staff tell the client another way
    link = settings.RAPPORT_BASE_URL + reverse("portal:records")
    with translation.override(client.preferred_language):
        queue_email(READY_EMAIL, to=account.email, context={"link": link}, clinic=client.clinic)


def decline(request_row: RecordRequest, by: Any, reason: str) -> RecordRequest:
    request_row.decline_reason = reason
    return _decide(request_row, by, status=RecordRequest.Status.DECLINED, decline_reason=reason)


def _decide(request_row: RecordRequest, by: Any, **values: Any) -> RecordRequest:
    """Write the decision only if the request is still open: nobody decides it twice."""
    with transaction.atomic():
        locked = (
            RecordRequest.objects.select_for_update()
            .filter(pk=request_row.pk, status=RecordRequest.Status.REQUESTED)
            .first()
        )
        if locked is None:
            raise AlreadyDecided
        for name, value in values.items():
            setattr(locked, name, value)
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save()
    return locked


def archive_bytes(request_row: RecordRequest) -> bytes:
    return base64.b64decode(request_row.archive)
