"""The FHIR API's HTTP side: API-key authentication, FHIR JSON, OperationOutcome errors.

Every call is audited: accepted calls by the view that answers them, refused ones
(no key, a wrong, expired or revoked key) here, as ``interop.fhir.refused``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from rapport.core import audit
from rapport.interop.models import ApiKey

FHIR_JSON = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """An error the API answers as an OperationOutcome with ``status``."""

    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(text)
        self.status, self.code, self.text = status, code, text


def fhir_json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, content_type=FHIR_JSON)


def outcome(status: int, code: str, text: str) -> JsonResponse:
    """An OperationOutcome with one issue (``code`` from FHIR's issue-type list)."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    response = fhir_json(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def refuse(request: HttpRequest, key: ApiKey | None, why: str) -> JsonResponse:
    """401, audited: against the key's clinic when the key is known, else no clinic."""
    audit.record(
        request,
        "interop.fhir.refused",
        key,
        fields=["401", why],
        object_type="" if key else "interop.apikey",
    )
    return outcome(401, "login", "A valid, unexpired and unrevoked API key is required.")


def api_key_authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pass the caller's usable key to ``view(request, key, …)``; else an audited 401.

    A signed-in session is no credential here (the API takes no cookies, so no CSRF).
    FhirError raised by the view becomes its OperationOutcome. Any HTTP method passes:
    the bulk status URL also answers DELETE.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = bearer_token(request)
        if not raw:
            return refuse(request, None, "no key")
        key = ApiKey.find(raw)
        if key is None:
            return refuse(request, None, "unknown key")
        if key.is_revoked:
            return refuse(request, key, "revoked key")
        if key.is_expired:
            return refuse(request, key, "expired key")
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        try:
            return view(request, key, *args, **kwargs)
        except FhirError as error:
            asked = kwargs.get("resource_type", "")
            audit.record(request, "interop.fhir.refused", key, fields=[str(error.status), asked])
            return outcome(error.status, error.code, error.text)

    return wrapped


def api_key_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A read-only API view (GET or HEAD) behind :func:`api_key_authenticated`."""
    return csrf_exempt(require_safe(api_key_authenticated(view)))
