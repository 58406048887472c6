"""Remote completion: signed, single-use, expiring links, sent by the worker (issue 4 item 2).

Only the SHA-256 of a link's token is stored. The token is made when the
e-mail is queued (by the worker, at ``send_at``), so it exists nowhere but in
that e-mail: until then the row holds the hash of a token nobody was given.

A link is answered once. One exception (safety.md §5.1): a submission that leaves
questions unanswered but carries a safety answer is stored, and the link stays
*unfinished* (``used_at`` set, status still sent) for the rest of those
questionnaires only, until they are completed (status completed) or it expires.
Every step takes the link with a conditional UPDATE, so racing submissions of one
link record once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.language import for_client
from rapport.clients.models import Client
from rapport.core import audit, jobs
from rapport.core.outbox import queue_email
from rapport.measures import instruments
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import Invitation, Response
from rapport.measures.schedule import clinic_settings

logger = logging.getLogger(__name__)
EMAIL_TEMPLATE = "measures/emails/invitation"


class InvitationRefused(Exception):
    """The invitation may not be created; the message says why, for the user."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh (token, hash) pair: 32 random bytes, URL-safe."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def has_active_therapist(client: Client) -> bool:
    therapist = client.assigned_therapist
    return therapist is not None and therapist.is_active


def refusal(client: Client, codes: list[str]) -> str | None:
    """Why these questionnaires may not be sent to this client, or None.

    safety.md §5.1 "What must never happen": a form with self-harm items sent to a
    client with no assigned, active clinician (no one would see a positive answer).
    """
    if not client.email:
        return _(
            "The client has no e-mail address: add one, or complete the questionnaires in session."
        )
    self_harm = [code for code in codes if instruments.get(code).self_harm_items]
    if self_harm and not has_active_therapist(client):
        return _(
            "These questionnaires ask about self-harm, and the client has no active assigned "
            "therapist to see the answers. Assign an active therapist first."
        )
    return None


@transaction.atomic
def create_invitation(
    client: Client,
    *,
    due: list[Instrument],
    send_at: datetime,
    context_id: uuid.UUID | None = None,
    session_number: int | None = None,
    created_by: Any = None,
) -> Invitation:
    """Schedule one link for the instruments due; the worker sends it at ``send_at``."""
    codes = [instrument.code for instrument in due if not instrument.clinician_rated]
    if not codes:
        raise InvitationRefused(_("No questionnaire the client completes is due for that session."))
    problem = refusal(client, codes)
    if problem:
        raise InvitationRefused(problem)
    valid = timedelta(hours=clinic_settings(client.clinic).invitation_valid_hours)
    _unsent_token, placeholder_hash = new_token()  # replaced when the e-mail is made
    return Invitation.objects.create(
        client=client,
        context_id=context_id,
        session_number=session_number,
        instruments=codes,
        token_hash=placeholder_hash,
        send_at=send_at,
        expires_at=send_at + valid,
        created_by=created_by,
    )


def find(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (compared by hash), or None."""
    return (
        Invitation.objects.select_related("client", "client__clinic", "client__assigned_therapist")
        .filter(token_hash=hash_token(token))
        .first()
    )


OPEN, UNFINISHED, USED, EXPIRED, INVALID = "open", "unfinished", "used", "expired", "invalid"


def state(invitation: Invitation | None, now: datetime | None = None) -> str:
    """What the link may do now: "open"; "unfinished" (only the rest of what was
    answered in part, with a safety answer); "used", "expired" or "invalid"."""
    now = now or timezone.now()
    if invitation is None or invitation.status in (
        Invitation.Status.SCHEDULED,
        Invitation.Status.CANCELLED,
    ):
        return INVALID
    if invitation.status == Invitation.Status.COMPLETED:
        return USED
    if invitation.status == Invitation.Status.EXPIRED or invitation.expires_at <= now:
        return EXPIRED
    if invitation.used_at is not None:
        return UNFINISHED
    return OPEN


def mark_used(invitation: Invitation) -> bool:
    """Take the link for one submission; False if another submission (or time) beat us.

    A conditional UPDATE, so two submissions racing on one link record once.
    """
    return _take(invitation, None, finished=True)


def mark_unfinished(invitation: Invitation) -> bool:
    """Take a fresh link for a submission that leaves questions for later (safety.md §5.1).

    The link stays usable for the rest only; False if another submission beat us.
    """
    return _take(invitation, None, finished=False)


def mark_continued(invitation: Invitation, *, finished: bool) -> bool:
    """Take an unfinished link for a submission of the rest; closed once ``finished``.

    Conditional on the ``used_at`` this request read, so of two submissions of the
    rest racing, one records; the other finds it changed and records nothing.
    """
    if invitation.used_at is None:
        return False
    return _take(invitation, invitation.used_at, finished=finished)


def _take(invitation: Invitation, used_at: datetime | None, *, finished: bool) -> bool:
    now = timezone.now()
    link = Invitation.objects.filter(
        pk=invitation.pk, status=Invitation.Status.SENT, expires_at__gt=now
    )
    link = link.filter(used_at=used_at) if used_at else link.filter(used_at__isnull=True)
    changes: dict[str, object] = {"used_at": now}
    if finished:
        changes["status"] = Invitation.Status.COMPLETED
    taken = link.update(**changes)
    if taken == 1:
        invitation.used_at = now
        invitation.status = changes.get("status", invitation.status)
    return taken == 1


@dataclass(frozen=True)
class Rest:
    """One questionnaire a link still asks: ``pending`` is its stored incomplete response
    (only its unanswered questions are asked); None: nothing of it is stored yet."""

    code: str
    pending: Response | None


def remaining(invitation: Invitation) -> list[Rest]:
    """The link's questionnaires without a complete response yet, in the link's order.

    An incomplete response may have been completed (or continued) in session: the
    chain of ``completes`` is followed wherever it was recorded.
    """
    rest = []
    stored = list(
        Response.objects.filter(invitation=invitation, completes__isnull=True).select_related(
            "completed_by"
        )
    )
    for code in invitation.instruments:
        first = next((r for r in stored if r.instrument == code), None)
        if first is None:
            rest.append(Rest(code, None))
            continue
        last = first
        while not last.complete and getattr(last, "completed_by", None) is not None:
            last = last.completed_by
        if not last.complete:
            rest.append(Rest(code, last))
    return rest


def close_if_finished(invitation: Invitation) -> bool:
    """Close an unfinished link once nothing remains (its rest was completed in session)."""
    if remaining(invitation):
        return False
    return (
        Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.SENT)
        .exclude(used_at__isnull=True)
        .update(status=Invitation.Status.COMPLETED)
        == 1
    )


def link_for(token: str) -> str:
    """The absolute link the e-mail carries (RAPPORT_BASE_URL names the public site)."""
    base = settings.RAPPORT_BASE_URL
    return base + reverse("questionnaires:form", args=[token])


@jobs.register("questionnaire_invitations")
def send_due_invitations(worker: str) -> int:
    """Queue the e-mail of each due invitation exactly once, however many workers run."""
    due = Invitation.objects.filter(status=Invitation.Status.SCHEDULED, send_at__lte=timezone.now())
    claimed = jobs.claim(due, worker=worker, due_field="send_at")
    for pk in claimed:
        _send_one(pk, worker)
    return len(claimed)


@transaction.atomic
def _send_one(pk: int, worker: str) -> None:
    if not jobs.hold(Invitation, pk, worker=worker):
        return  # our claim lapsed: another worker may have it now
    invitation = Invitation.objects.select_related(
        "client", "client__clinic", "client__assigned_therapist"
    ).get(pk=pk)
    mine = Invitation.objects.filter(pk=pk, claimed_by=worker, status=Invitation.Status.SCHEDULED)
    # Re-checked at send time: the therapist may have left since it was scheduled.
    if refusal(invitation.client, invitation.instruments):
        if mine.update(status=Invitation.Status.CANCELLED, claimed_until=None):
            audit.record(None, "measures.invitation.cancelled", invitation, fields=["status"])
            logger.info("invitation cancelled", extra={"invitation": str(invitation.public_id)})
        return
    token, token_hash = new_token()
    now = timezone.now()
    valid = timedelta(hours=clinic_settings(invitation.client.clinic).invitation_valid_hours)
    expires_at = now + valid
    sent = mine.update(
        status=Invitation.Status.SENT,
        token_hash=token_hash,
        sent_at=now,
        expires_at=expires_at,
        claimed_until=None,
    )
    if sent != 1:
        return
    # No clinical content, no name: a check-in and a link (DESIGN.md, outbox rules),
    # in the client's language.
    with for_client(invitation.client):
        queue_email(
            EMAIL_TEMPLATE,
            to=invitation.client.email,
            clinic=invitation.client.clinic,
            context={
                "link": link_for(token),
                # The client reads it in the clinic's zone, named (clients carry no zone).
                "expires_at": expires_at,
                "time_zone": invitation.client.clinic.time_zone,
                "crisis_resources": invitation.client.clinic.crisis_resources,
            },
        )
    audit.record(None, "measures.invitation.sent", invitation, fields=["status"])
