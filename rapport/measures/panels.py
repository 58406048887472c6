"""Safety alert banners on the dashboard and the client's clinical page (safety.md §5.1 step 5).

Each is a fixed number of queries, however many alerts or clients (DESIGN.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import ngettext

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.core.hooks import client_panel, dashboard_panel, needs_action_source
from rapport.core.models import Role
from rapport.measures import safety
from rapport.measures.models import SafetyAlert

BANNER = "measures/alerts/banner_panel.html"


def open_alerts(user: Any, capability: Capability = Capability.VIEW_CLINICAL) -> Any:
    alerts = SafetyAlert.objects.visible_to(user, capability).filter(status=SafetyAlert.Status.OPEN)
    return without_encrypted(alerts, "client")


@dashboard_panel(order=10)
def alerts_banner(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Open alerts first on the page: mine; supervisees' once escalated; an admin's view;
    those on consultation requests (held by intake; a supervisor's once escalated)."""
    user = request.user
    roles = user.roles
    own = list(open_alerts(user, Capability.EDIT_CLINICAL)) if Role.THERAPIST in roles else []
    supervised = []
    if Role.SUPERVISOR in roles:
        escalated = open_alerts(user).filter(escalation_level__gt=0)
        supervised = list(
            escalated.exclude(client__assigned_therapist=user).select_related("owner")
        )
    admin = list(safety.escalated_in_clinic(user.clinic_id)) if Role.CLINIC_ADMIN in roles else []
    held = list(held_alerts(user))
    if not (own or supervised or admin or held):
        return None
    if own or supervised or held:
        audit.record(request, "measures.alert.listed")
    return BANNER, {
        "own": own,
        "supervised": supervised,
        "admin": admin,
        "held": held,
        "acknowledge_own": True,
        "count": len(own) + len(supervised) + len(admin) + len(held),
    }


@needs_action_source
def alerts_needing_action(user: Any) -> list[tuple[str, int, str]]:
    """The navigation's count of the open alerts the banner lists (a count query each)."""
    roles = user.roles
    count = held_alerts(user).count()
    if Role.THERAPIST in roles:
        count += open_alerts(user, Capability.EDIT_CLINICAL).count()
    if Role.SUPERVISOR in roles:
        escalated = open_alerts(user).filter(escalation_level__gt=0)
        count += escalated.exclude(client__assigned_therapist=user).count()
    if Role.CLINIC_ADMIN in roles:
        count += safety.escalated_in_clinic(user.clinic_id).count()
    label = ngettext("%(n)d open safety alert", "%(n)d open safety alerts", count) % {"n": count}
    return [("alerts", count, label)]


def held_alerts(user: Any) -> Any:
    """Open alerts on consultation requests: all for intake, escalated ones for supervisors."""
    held = SafetyAlert.objects.held_by_intake(user).filter(status=SafetyAlert.Status.OPEN)
    if Role.INTAKE_COORDINATOR not in user.roles:
        held = held.filter(escalation_level__gt=0)
    return held


@client_panel(order=10)
def client_alerts_banner(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    alerts = list(open_alerts(request.user).filter(client=client))
    if not alerts:
        return None
    return BANNER, {
        "own": alerts,
        "supervised": [],
        "admin": [],
        "acknowledge_own": Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client),
        "count": len(alerts),
    }
