"""What the clients app contributes to core's dashboard and audit filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.clients.models import BreakGlassGrant, Client
from rapport.core import audit
from rapport.core.access import Capability, can, may_break_glass
from rapport.core.fields import without_encrypted
from rapport.core.hooks import audit_subjects, dashboard_panel
from rapport.core.models import Role

SHOWN = 10


@dashboard_panel(order=100)
def caseload_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    user = request.user
    # Caseloads are what the role table gives: break-glass clients are not the user's.
    visible = Client.objects.visible_to(user, break_glass=False)
    visible = without_encrypted(visible, "assigned_therapist")
    context: dict[str, Any] = {"can_add_client": can(user, Capability.ADD_CLIENT)}
    if Role.THERAPIST in user.roles:
        mine = visible.filter(assigned_therapist=user)
        context.update(caseload=mine[:SHOWN], caseload_count=mine.count())
    if Role.SUPERVISOR in user.roles:
        theirs = visible.exclude(assigned_therapist=user)
        context.update(supervised=theirs[:SHOWN], supervised_count=theirs.count())
    if user.roles & {Role.CLINIC_ADMIN, Role.INTAKE_COORDINATOR}:
        context.update(clinic_client_count=visible.count())
    if "caseload" in context or "supervised" in context:
        audit.record(request, "clients.caseload.viewed")
    return "clients/panels/caseload.html", context


@dashboard_panel(order=5)
def break_glass_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Admins see open emergency accesses at once; clinicians, the way to ask for one."""
    user = request.user
    if can(user, Capability.VIEW_AUDIT):
        open_now = BreakGlassGrant.objects.active().filter(clinic_id=user.clinic_id)
        rows = list(open_now.select_related("user").only("public_id", "opened_at", "user")[:SHOWN])
        return "clients/panels/break_glass.html", {"admin": True, "open": rows}
    # Only a session holding grants has them loaded (BreakGlassMiddleware): no query.
    mine = getattr(request, "break_glass", None)
    if mine and may_break_glass(user):
        return "clients/panels/break_glass.html", {"mine": mine}
    return None


@audit_subjects
def clients_for_audit(user: Any) -> list[tuple[str, str]]:
    visible = Client.objects.visible_to(user).only(
        "public_id", "given_name", "family_name", "preferred_name"
    )
    return [(str(client.public_id), client.display_name) for client in visible]
