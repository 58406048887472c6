"""Sign-in by e-mailed link: asked for by address, answered the same whether or not
the address has an account, limited per address and per account, single use."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from rapport.core import audit
from rapport.core.middleware import SESSION_ABSOLUTE, SESSION_SIGN_IN_URL, SESSION_STARTED
from rapport.core.outbox import queue_email
from rapport.core.ratelimit import under_limit
from rapport.portal.access import SESSION_ACCOUNT
from rapport.portal.models import PortalAccount

REQUESTED = "portal.sign_in.requested"
LINK_SENT = "portal.sign_in.link_sent"
SIGNED_IN = "portal.sign_in.completed"
PER_ADDRESS = 5  # link requests for one e-mail address per hour
PER_ACCOUNT = 3  # links sent to one account per hour
WINDOW = timedelta(hours=1)


def address_key(email: str) -> str:
    """The audit log counts requests by a digest of the address, never the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def request_link(request: HttpRequest, email: str) -> None:
    """Queue a sign-in link to every live account at ``email``, within the limits.

    The caller answers the same in every case, so the page never tells whether an
    address has an account, nor whether a limit was reached.
    """
    key = address_key(email)
    if not under_limit(REQUESTED, PER_ADDRESS, WINDOW, object_id=key):
        return
    audit.record(request, REQUESTED, object_type="portal_address", object_id=key)
    accounts = PortalAccount.objects.may_sign_in().filter(email__iexact=email.strip())
    for account in accounts.select_related("user", "clinic"):
        recent = {"object_type": "portal.portalaccount", "object_id": str(account.public_id)}
        if under_limit(LINK_SENT, PER_ACCOUNT, WINDOW, **recent):
            send_link(request, account)


def send_link(request: HttpRequest | None, account: PortalAccount) -> None:
    link = settings.RAPPORT_BASE_URL + reverse("portal:link") + get_query_string(account.user)
    queue_email(
        "portal/emails/sign_in_link",
        to=account.email,
        clinic=account.clinic,
        context={
            "clinic_name": account.clinic.name,
            "link": link,
            "minutes": settings.SESAME_MAX_AGE // 60,
            "crisis_resources": account.clinic.crisis_resources,
            "language": account.language,
        },
    )
    audit.record(request, LINK_SENT, account, clinic=account.clinic)


def start_session(request: HttpRequest, account: PortalAccount) -> None:
    """Sign the account's user in, with the portal's own session limits."""
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_ACCOUNT] = account.pk
    request.session[SESSION_STARTED] = time.time()
    request.session[SESSION_ABSOLUTE] = settings.RAPPORT_PORTAL_SESSION_ABSOLUTE_SECONDS
    request.session[SESSION_SIGN_IN_URL] = reverse("portal:sign_in")
    account.last_signed_in_at = timezone.now()
    account.save(update_fields=["last_signed_in_at"])
    audit.record(request, SIGNED_IN, account, actor=account.user, clinic=account.clinic)
