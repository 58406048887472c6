"""Opening and closing portal accounts, from the client record: invitations, guardians
and their recorded consent, resending and revoking. Every step is audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from sesame.utils import get_query_string

from rapport.clients.language import language_of
from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.models import PortalRole, User
from rapport.core.outbox import queue_email
from rapport.portal.models import PortalAccount

OPENED = "portal.account.opened"
INVITED = "portal.account.invited"
CONSENT = "portal.account.consent_recorded"
REVOKED = "portal.account.revoked"


class Refused(Exception):
    """What the record's page tells staff when an invitation cannot go out."""


@transaction.atomic
def open_account(
    client: Client,
    *,
    invited_by: User,
    email: str,
    role: str = PortalRole.CLIENT,
    request: Any = None,
    **details: Any,
) -> PortalAccount:
    """A portal account for ``client`` with its own password-less user; no e-mail sent.

    ``details`` are the guardian's ``name`` and ``relationship``, and ``language``.
    """
    # A new account starts in the client's stored language (its invitation e-mail too).
    details.setdefault("language", client.preferred_language)
    user = User(username=f"portal-{uuid.uuid4()}", clinic=client.clinic, email=email)
    user.set_unusable_password()
    user.save()
    account = PortalAccount.objects.create(
        client=client, user=user, role=role, email=email, invited_by=invited_by, **details
    )
    audit.record(request, OPENED, account, actor=invited_by)
    return account


def live_client_account(client: Client) -> PortalAccount | None:
    live = PortalAccount.objects.filter(client=client, role=PortalRole.CLIENT, revoked_at=None)
    return live.first()


@transaction.atomic
def invite_client(client: Client, *, by: User, request: Any = None) -> PortalAccount:
    """Open the client's own account at the address on their record, and invite them."""
    if not client.email:
        raise Refused(_("This client has no e-mail address. Add one with “Edit details” first."))
    if live_client_account(client) is not None:
        raise Refused(_("This client already has portal access. Send the link again instead."))
    account = open_account(
        client,
        invited_by=by,
        email=client.email,
        language=language_of(client),
        request=request,
    )
    send_invitation(account, by=by, request=request)
    return account


@transaction.atomic
def add_guardian(
    client: Client, *, by: User, consent: bool, request: Any = None, **details: Any
) -> PortalAccount:
    """A parent's or guardian's account; invited only once their consent is on record."""
    account = open_account(
        client, invited_by=by, role=PortalRole.GUARDIAN, request=request, **details
    )
    if consent:
        record_consent(account, by=by, request=request)
    return account


@transaction.atomic
def record_consent(account: PortalAccount, *, by: User, request: Any = None) -> None:
    """Record the guardian's consent (and the adolescent's assent), then invite them."""
    account.consent_recorded_at = timezone.now()
    account.consent_recorded_by = by
    account.save(update_fields=["consent_recorded_at", "consent_recorded_by"])
    audit.record(request, CONSENT, account, actor=by)
    send_invitation(account, by=by, request=request)


def send_invitation(account: PortalAccount, *, by: User, request: Any = None) -> None:
    """The invitation e-mail: a fresh single-use link and the sign-in page for later.

    No clinical words and no client name in it: only the clinic's name.
    """
    if not account.may_sign_in:
        raise Refused(_("This account cannot sign in, so no invitation was sent."))
    base = settings.RAPPORT_BASE_URL
    queue_email(
        "portal/emails/invitation",
        to=account.email,
        clinic=account.clinic,
        context={
            "clinic_name": account.clinic.name,
            "guardian": account.is_guardian,
            "link": base + reverse("portal:link") + get_query_string(account.user),
            "sign_in_page": base + reverse("portal:sign_in"),
            "minutes": settings.SESAME_MAX_AGE // 60,
            "crisis_resources": account.clinic.crisis_resources,
            "language": account.language,
        },
    )
    audit.record(request, INVITED, account, actor=by)


def revoke(account: PortalAccount, *, by: User, request: Any = None) -> None:
    """Close an account: its sessions end on their next request, its links stop working."""
    account.revoked_at = timezone.now()
    account.save(update_fields=["revoked_at"])
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    audit.record(request, REVOKED, account, actor=by)
