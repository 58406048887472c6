"""The dashboard links a clinic admin to the clinic's FHIR API keys."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.access import Capability, can
from rapport.core.hooks import dashboard_panel


@dashboard_panel(order=127)
def api_keys_link(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if not can(request.user, Capability.MANAGE_CLINIC):
        return None
    return "interop/panels/api_keys_link.html", {}
