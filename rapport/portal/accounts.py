"""Opening and closing portal accounts (invitations come from the client record)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.models import PortalRole, User
from rapport.portal.models import PortalAccount


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
    user = User(username=f"portal-{uuid.uuid4()}", clinic=client.clinic, email=email)
    user.set_unusable_password()
    user.save()
    account = PortalAccount.objects.create(
        client=client, user=user, role=role, email=email, invited_by=invited_by, **details
    )
    audit.record(request, "portal.account.opened", account, actor=invited_by)
    return account


def revoke(account: PortalAccount, *, by: User, request: Any = None) -> None:
    """Close an account: its sessions end on their next request, its links stop working."""
    account.revoked_at = timezone.now()
    account.save(update_fields=["revoked_at"])
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    audit.record(request, "portal.account.revoked", account, actor=by)
