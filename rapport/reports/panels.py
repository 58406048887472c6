"""The client's clinical page lists the documents Rapport can make for each episode."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rapport.core.access import Capability, can
from rapport.core.hooks import client_panel, dashboard_panel
from rapport.core.models import Role
from rapport.ipt.models import Episode
from rapport.ipt.views.base import EPISODE_TEXT
from rapport.reports.forms_billing import PeriodForm
from rapport.reports.views_billing import ISSUE
from rapport.scheduling.models import Appointment

HELD_LISTED = 5  # the latest held sessions, each with its superbill; a period covers more
LISTED = 20  # a client has a handful of episodes; the panel stays bounded regardless


@client_panel(order=105)
def documents(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    episodes = (
        Episode.objects.visible_to(request.user, Capability.VIEW_CLINICAL)
        .filter(client=client)
        .defer(*EPISODE_TEXT)
        .order_by("-started_on", "-pk")[:LISTED]
    )
    context: dict[str, Any] = {"episodes": list(episodes), "may_bill": False}
    if can(request.user, ISSUE):
        # Superbills: the period form, and the latest held sessions one by one. The
        # appointments come through the access layer, so a client out of reach lists none.
        context["may_bill"] = True
        context["held"] = list(
            Appointment.objects.visible_to(request.user, ISSUE)
            .filter(client=client, status=Appointment.Status.ATTENDED)
            .only("public_id", "starts_at")
            .order_by("-starts_at", "-pk")[:HELD_LISTED]
        )
        context["period"] = PeriodForm(
            initial={"first": timezone.localdate().replace(day=1), "last": timezone.localdate()}
        )
    return "reports/panels/documents.html", context


@dashboard_panel(order=127)
def billing_details_link(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Therapists reach their own billing details (superbills print them); no query."""
    if Role.THERAPIST not in request.user.roles or not can(request.user, ISSUE):
        return None
    return "reports/panels/billing_link.html", {}


@dashboard_panel(order=125)
def supervision_link(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Supervisors reach their supervisees' overview from the dashboard."""
    if Role.SUPERVISOR not in request.user.roles:
        return None
    return "reports/panels/supervision_link.html", {}
