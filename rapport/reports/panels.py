"""The client's clinical page lists the documents Rapport can make for each episode."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.access import Capability
from rapport.core.hooks import client_panel, dashboard_panel
from rapport.core.models import Role
from rapport.ipt.models import Episode
from rapport.ipt.views.base import EPISODE_TEXT

LISTED = 20  # a client has a handful of episodes; the panel stays bounded regardless


@client_panel(order=105)
def documents(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    episodes = (
        Episode.objects.visible_to(request.user, Capability.VIEW_CLINICAL)
        .filter(client=client)
        .defer(*EPISODE_TEXT)
        .order_by("-started_on", "-pk")[:LISTED]
    )
    return "reports/panels/documents.html", {"episodes": list(episodes)}


@dashboard_panel(order=125)
def supervision_link(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Supervisors reach their supervisees' overview from the dashboard."""
    if Role.SUPERVISOR not in request.user.roles:
        return None
    return "reports/panels/supervision_link.html", {}
