"""How the bulk-export views take the caller's API key, and answer errors as FHIR does."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from rapport.interop.models import ApiKey


def outcome(status: int, code: str, text: str) -> JsonResponse:
    """An OperationOutcome with one issue: the FHIR way to say what went wrong."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return JsonResponse(body, status=status, content_type="application/fhir+json")


def authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pass the usable API key of ``Authorization: Bearer <key>`` to the view; else 401."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        raw = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""
        key = ApiKey.find(raw) if raw else None
        if key is None or not key.is_usable:
            response = outcome(401, "login", "A valid API key is required.")
            response["WWW-Authenticate"] = 'Bearer realm="fhir"'
            return response
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return view(request, key, *args, **kwargs)

    return wrapped
