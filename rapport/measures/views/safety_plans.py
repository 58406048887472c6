"""A client's safety plan: the current version and its history, a new version, and a
printable page for the client (safety.md §5.1 step 4).

The plan is clinical content, scoped like alerts: the client's therapist reads and
writes, the therapist's supervisors read, intake coordinators and clinic admins are
refused (403), anyone else finds nothing (404). URLs carry opaque ids only. Every
read and write is audited with field names, never the plan's text.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.hooks import client_panel
from rapport.measures import safety_plans
from rapport.measures.forms_safety_plan import SafetyPlanForm
from rapport.measures.models import SafetyPlan
from rapport.measures.safety_plans import Person, PlanConflict
from rapport.measures.views.acknowledgement import record_plan_written

SHOWN_VERSIONS = 50


def get_client(request: HttpRequest, public_id: uuid.UUID, capability: Capability) -> Client:
    queryset = Client.objects.visible_to(request.user, capability).select_related(
        "clinic", "assigned_therapist"
    )
    return get_object_or_404(queryset, public_id=public_id)


def plan_versions(user: Any, client: Client) -> Any:
    return SafetyPlan.objects.visible_to(user).filter(client=client).select_related("created_by")


@requires(Capability.VIEW_CLINICAL)
def safety_plan(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_client(request, public_id, Capability.VIEW_CLINICAL)
    history = list(plan_versions(request.user, client)[:SHOWN_VERSIONS])
    current = history[0] if history else None
    audit.record(request, "measures.safety_plan.viewed", current or client)
    context = {
        "client": client,
        "plan": current,
        "plan_parts": safety_plans.parts(current) if current else [],
        "history": history,
        "recent": safety_plans.is_recent(current),
        "can_edit": Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client),
    }
    return render(request, "measures/safety_plans/detail.html", context)


@requires(Capability.EDIT_CLINICAL)
def safety_plan_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_client(request, public_id, Capability.EDIT_CLINICAL)
    form = SafetyPlanForm(request.POST or None, person=Person.of_client(client))
    if request.method == "POST" and form.is_valid():
        try:
            plan = form.save(by=request.user)
        except PlanConflict as error:
            form.conflict(error)
        else:
            record_plan_written(request, plan, form.current)
            messages.success(request, saved_message(plan))
            return redirect("measures:safety_plan", public_id=client.public_id)
    if request.method == "GET" and form.current is not None:
        audit.record(request, "measures.safety_plan.viewed", form.current)
    return render(request, "measures/safety_plans/edit.html", {"client": client, "form": form})


def saved_message(plan: SafetyPlan) -> str:
    if plan.change == SafetyPlan.Change.REVIEWED:
        return _("Review recorded: version %(version)s of the safety plan.") % {
            "version": plan.version
        }
    return _("Safety plan saved as version %(version)s.") % {"version": plan.version}


@requires(Capability.VIEW_CLINICAL)
def safety_plan_print(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One version as a clean page the client can take home (the portal will show it too)."""
    plans = SafetyPlan.objects.visible_to(request.user).select_related(
        "client__clinic", "created_by"
    )
    plan = get_object_or_404(plans, public_id=public_id)
    latest = plan_versions(request.user, plan.client).values_list("version", flat=True).first()
    audit.record(request, "measures.safety_plan.printed", plan)
    context = {
        "plan": plan,
        "plan_parts": safety_plans.parts(plan),
        "client": plan.client,
        "is_current": plan.version == latest,
    }
    return render(request, "measures/safety_plans/print.html", context)


@client_panel(order=12)
def safety_plan_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    """Where the client's plan stands, on the clinical page (its text stays on its page)."""
    can_edit = Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client)
    if not can_edit and not Client.objects.permits(request.user, Capability.VIEW_CLINICAL, client):
        return None
    current = plan_versions(request.user, client).first()
    return "measures/safety_plans/panel.html", {
        "client": client,
        "plan": current,
        "recent": safety_plans.is_recent(current),
        "can_edit": can_edit,
    }
