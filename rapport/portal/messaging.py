"""Secure messages (issue 11 item 8): sending, reading, and the safety check on the way in.

A client's message is checked against the clinic's risk phrases; a match raises a
safety alert through measures' one workflow (safety.md §5.1) in the same
transaction, and the confirmation page shows the client crisis resources. Each
new message is announced by e-mail with a link only: no message text, no name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.core.models import Clinic, User
from rapport.core.outbox import queue_email
from rapport.measures import alert_sources, risk_phrases, safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import SafetyAlert
from rapport.portal.models import Message, PortalAccount, PortalSettings

LONGEST = 5000  # characters a message may have
TO_CARE_TEAM_EMAIL = "portal/emails/message_to_care_team"
TO_CLIENT_EMAIL = "portal/emails/message_to_client"
PHRASE_SEVERITY = Severity.CRITICAL  # as in practice entries ([GK], for clinical review)


def enabled(clinic: Clinic) -> bool:
    return PortalSettings.of(clinic).messages_enabled


def enabled_in(clinic_id: int) -> bool:
    """``enabled`` by the clinic's key, for pages that have not loaded the clinic."""
    return PortalSettings.objects.filter(clinic_id=clinic_id, messages_enabled=True).exists()


def therapist_of(client: Client) -> User | None:
    """The one reader of the client's messages: their active assigned therapist."""
    therapist = client.assigned_therapist
    return therapist if safety.is_active_therapist(therapist, client.clinic) else None


@dataclass(frozen=True)
class Sent:
    message: Message
    alert: SafetyAlert | None


def send_from_client(account: PortalAccount, body: str) -> Sent:
    client = account.client
    phrases = safety.clinic_settings(client.clinic).risk_phrases or []
    risky = bool(risk_phrases.matches(body, phrases))
    with transaction.atomic():
        message = Message.objects.create(
            client=client,
            sender=Message.Sender.CLIENT,
            author=account.user,
            body=body,
            created_at=timezone.now(),
            alerted=risky,
        )
        alert = None
        if risky:
            alert = safety.raise_from_source(
                client,
                SafetyAlert.Source.MESSAGE,
                message.public_id,
                item=alert_sources.PHRASE,
                value=0,
                severity=PHRASE_SEVERITY,
            )
        therapist = therapist_of(client)
        if therapist is not None and therapist.email:
            link = settings.RAPPORT_BASE_URL + reverse(
                "portal:care_messages", args=[client.public_id]
            )
            queue_email(
                TO_CARE_TEAM_EMAIL, to=therapist.email, context={"link": link}, clinic=client.clinic
            )
    return Sent(message, alert)


def send_from_care_team(client: Client, author: User, body: str) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            client=client,
            sender=Message.Sender.CARE_TEAM,
            author=author,
            body=body,
            created_at=timezone.now(),
        )
        account = PortalAccount.objects.active().filter(client=client, role="client").first()
        if account is not None:
            link = settings.RAPPORT_BASE_URL + reverse("portal:messages")
            with translation.override(account.language):
                queue_email(
                    TO_CLIENT_EMAIL, to=account.email, context={"link": link}, clinic=client.clinic
                )
    return message


def mark_read(messages: Any) -> int:
    """Stamp the first reading of the other side's messages (one UPDATE)."""
    return messages.filter(read_at__isnull=True).update(read_at=timezone.now())
