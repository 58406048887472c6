"""The portal's language switch: the choice is kept on the account, and on the client.

A client's own account also sets ``Client.preferred_language``, which e-mails to the
client and their questionnaire links use; a guardian's choice is their own.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rapport.clients.language import SUPPORTED
from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.models import PortalRole
from rapport.portal.access import portal_view
from rapport.portal.models import PortalAccount


@portal_view(Capability.PORTAL_SHARED)
@require_POST
def change_language(request: HttpRequest) -> HttpResponse:
    account = request.portal_account
    language = request.POST.get("language", "")
    response = redirect(_next(request))
    if language not in SUPPORTED:
        return response  # nothing to change: the switch only offers languages we speak
    PortalAccount.objects.filter(pk=account.pk).update(language=language)
    fields = ["language"]
    if account.role == PortalRole.CLIENT:
        Client.objects.filter(pk=account.client_id).update(preferred_language=language)
        fields.append("preferred_language")
    audit.record(request, "portal.language.changed", account, fields=fields)
    # Pages seen before signing in (and after signing out) follow the same choice.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted.startswith("/portal/") else "/portal/"
