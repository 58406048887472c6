"""The client record's "Portal access" section and the staff acts behind it.

Who may invite, resend, add a guardian, record consent or end access follows the
role table's ``EDIT_DEMOGRAPHICS`` (the client's therapist, intake, the clinic's
admins), through ``Client.objects.visible_to``: out of reach answers 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core.access import Capability, requires
from rapport.core.hooks import client_detail_section
from rapport.core.models import PortalRole
from rapport.portal import accounts
from rapport.portal.forms_staff import GuardianForm
from rapport.portal.models import PortalAccount

MANAGE = Capability.EDIT_DEMOGRAPHICS
SHOWN = 20  # accounts listed on the record, newest first (a client has a handful)


def _clients(request: HttpRequest) -> Any:
    return Client.objects.visible_to(request.user, MANAGE, break_glass=False)


def _client(request: HttpRequest, public_id: uuid.UUID) -> Client:
    return get_object_or_404(_clients(request).select_related("clinic"), public_id=public_id)


def _account(request: HttpRequest, public_id: uuid.UUID) -> PortalAccount:
    scoped = PortalAccount.objects.filter(client__in=_clients(request))
    return get_object_or_404(scoped.select_related("client", "clinic", "user"), public_id=public_id)


def _back(client: Client) -> HttpResponse:
    return redirect(reverse("clients:detail", args=[client.public_id]) + "#portal-access")


@client_detail_section(order=50)
def portal_access_section(request: HttpRequest, client: Client) -> tuple[str, dict[str, Any]]:
    """Status for everyone who sees the record; the buttons for those who may act."""
    rows = list(
        PortalAccount.objects.filter(client=client)
        .select_related("invited_by", "consent_recorded_by")
        .order_by("-invited_at")[:SHOWN]
    )
    own = next((a for a in rows if a.role == PortalRole.CLIENT and a.revoked_at is None), None)
    context = {
        "client": client,
        "own": own,
        "guardians": [a for a in rows if a.is_guardian and a.revoked_at is None],
        "ended": [a for a in rows if a.revoked_at is not None],
        "can_manage": Client.objects.permits(request.user, MANAGE, client),
    }
    return "portal/staff/access_section.html", context


@require_POST
@requires(MANAGE)
def invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _client(request, public_id)
    try:
        account = accounts.invite_client(client, by=request.user, request=request)
    except accounts.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": account.email})
    return _back(client)


@requires(MANAGE)
def add_guardian(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _client(request, public_id)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = data.pop("consent")
        account = accounts.add_guardian(
            client, by=request.user, consent=consent, request=request, **data
        )
        if consent:
            note = _("Guardian account added and invitation sent to %(email)s.")
        else:
            note = _(
                "Guardian account added. Record their consent to send the invitation; "
                "until then they cannot sign in."
            )
        messages.success(request, note % {"email": account.email})
        return _back(client)
    return render(request, "portal/staff/guardian_form.html", {"form": form, "client": client})


@require_POST
@requires(MANAGE)
def resend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    account = _account(request, public_id)
    try:
        accounts.send_invitation(account, by=request.user, request=request)
    except accounts.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("A new sign-in link was sent to %(email)s.") % {"email": account.email}
        )
    return _back(account.client)


@require_POST
@requires(MANAGE)
def consent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    account = _account(request, public_id)
    if not account.is_guardian or account.revoked_at or account.consent_recorded_at:
        messages.error(
            request, _("Nothing to record: consent is needed only once, for a guardian.")
        )
    else:
        accounts.record_consent(account, by=request.user, request=request)
        messages.success(
            request,
            _("Consent recorded. An invitation was sent to %(email)s.") % {"email": account.email},
        )
    return _back(account.client)


@require_POST
@requires(MANAGE)
def revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    account = _account(request, public_id)
    if account.revoked_at is None:
        accounts.revoke(account, by=request.user, request=request)
        messages.success(request, _("Portal access ended. Any open session ends now."))
    return _back(account.client)
