"""A clinic admin makes, lists and revokes the clinic's FHIR API keys.

A new key is shown once, on the page that answers its creation; only its hash is
kept, so it cannot be shown again. Revoking asks for confirmation first.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.interop.forms_keys import ApiKeyForm
from rapport.interop.models import ApiKey


def _page(
    request: HttpRequest, form: ApiKeyForm, *, new_key: str = "", status: int = 200
) -> HttpResponse:
    keys = ApiKey.objects.filter(clinic=request.user.clinic).select_related("practitioner")
    context = {"keys": keys, "form": form, "new_key": new_key, "now": timezone.now()}
    return render(request, "interop/keys.html", context, status=status)


@requires(Capability.MANAGE_CLINIC)
def key_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ApiKeyForm(request.POST, clinic=request.user.clinic)
        if not form.is_valid():
            return _page(request, form)
        key, raw = ApiKey.issue(
            clinic=request.user.clinic, created_by=request.user, **form.key_fields()
        )
        audit.record(
            request, "interop.api_key.created", key, fields=["name", "scope", "expires_at"]
        )
        # Shown on this answer only: a reload or a later visit cannot show it again.
        return _page(request, ApiKeyForm(clinic=request.user.clinic), new_key=raw)
    audit.record(request, "interop.api_keys.viewed", None, clinic=request.user.clinic)
    return _page(request, ApiKeyForm(clinic=request.user.clinic))


@requires(Capability.MANAGE_CLINIC)
@require_POST
def key_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    key = ApiKey.objects.filter(clinic=request.user.clinic, public_id=public_id).first()
    if key is None:
        raise Http404
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=request.user
    )
    if revoked:
        audit.record(request, "interop.api_key.revoked", key, fields=["revoked_at"])
        messages.success(
            request, _("Key “%(name)s” revoked: it no longer opens the API.") % {"name": key.name}
        )
    else:
        messages.info(request, _("That key was already revoked."))
    return redirect("interop:keys")
