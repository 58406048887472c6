"""The dashboard links admins and clinicians to the outcomes dashboard."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.hooks import dashboard_panel
from rapport.reports import outcomes_dashboard


@dashboard_panel(order=126)
def outcomes_link(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    scope = outcomes_dashboard.scope_of(request.user)
    if scope is None:
        return None
    return "reports/panels/outcomes_link.html", {
        "clinic_wide": scope == outcomes_dashboard.CLINIC_WIDE
    }
