"""Secure messages: the client's thread (guardians 403), and the therapist's side on the
client record (the assigned therapist only: CLINICAL_WRITE). The rows turn messages on
for the cast's clinic; with them off, every message page answers 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_WRITE, Row, portal_outcomes


def messages_on(cast: SimpleNamespace) -> None:
    from rapport.portal.models import PortalSettings

    PortalSettings.objects.update_or_create(clinic=cast.clinic, defaults={"messages_enabled": True})


def sent(cast: SimpleNamespace) -> Any:
    from rapport.portal import messaging
    from tests.authz import portal_account

    messages_on(cast)
    if not hasattr(cast, "client_message"):
        account = portal_account("portal_client", cast)
        cast.client_message = messaging.send_from_client(account, "Can we move Tuesday?").message
    return cast.client_message


def thread(cast: SimpleNamespace) -> dict[str, Any]:
    messages_on(cast)
    return {}


def care_thread(cast: SimpleNamespace) -> dict[str, Any]:
    messages_on(cast)
    return {"public_id": cast.client.public_id}


EXPECTED = {
    "portal:messages": Row(portal_outcomes(guardian=403), thread),
    "portal:message_sent": Row(
        portal_outcomes(guardian=403, other=404), lambda cast: {"public_id": sent(cast).public_id}
    ),
    "portal:care_messages": Row(CLINICAL_WRITE, care_thread),
}
