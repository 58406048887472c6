"""The way to the imports from a client's clinical page (no query: the role decides)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.access import Capability, can
from rapport.core.hooks import client_panel


@client_panel(order=107)
def earlier_scores(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    if not can(request.user, Capability.EDIT_CLINICAL):
        return None
    return "interop/imports/panel.html", {}
