"""My plan in the portal: the summary the therapist approved, the goals, the treatment
contract to acknowledge, and the safety plan to print (issue 11, item 4).

The guardian rule (IPT-A, protocol §1.8): a parent or guardian (``PORTAL_SHARED``
without ``PORTAL_OWN``) sees only the parts the therapist marked as shared on the
formulation page, and never acknowledges for the client. The client themselves
(``PORTAL_OWN``) sees all of their plan. ``visible_parts`` is that rule, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, can
from rapport.ipt import services
from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.models import ClientSummary, Contract, Episode, Goal
from rapport.measures import safety_plans
from rapport.measures.models import SafetyPlan
from rapport.portal import participant_sharing
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import DueItem, due_source

SUMMARY, GOALS, CONTRACT, SAFETY_PLAN = "summary", "goals", "contract", "safety_plan"
ALL_PARTS = frozenset({SUMMARY, GOALS, CONTRACT, SAFETY_PLAN})

# The problem areas in everyday words, after WHO Group IPT's plain names (protocol §1.4).
PLAIN_AREAS = {
    ProblemArea.GRIEF: gettext_lazy("Grief after the death of someone close"),
    ProblemArea.ROLE_DISPUTE: gettext_lazy("A disagreement with someone important to you"),
    ProblemArea.ROLE_TRANSITION: gettext_lazy("Adjusting to a change in your life"),
    ProblemArea.INTERPERSONAL_DEFICITS: gettext_lazy(
        "Feeling alone, and building closer relationships"
    ),
    # Areas some variants add (variants.md §4.3 IPSRT, §7.1 perinatal).
    "grief_lost_healthy_self": gettext_lazy("Grief for the life you had before your illness"),
    "complicated_pregnancy": gettext_lazy("A difficult pregnancy"),
}


def plain_area(area: str) -> Any:
    """An area in everyday words; one added later shows its catalogue name until it has them."""
    return PLAIN_AREAS.get(area) or ProblemArea(area).label


def visible_parts(user: Any, episode: Episode | None) -> frozenset[str]:
    """The guardian rule: which parts of the plan this portal session may see."""
    if can(user, Capability.PORTAL_OWN):
        # The client: all of their own plan. A safety plan may predate any episode.
        return ALL_PARTS if episode is not None else frozenset({SAFETY_PLAN})
    if episode is None:
        return frozenset()  # sharing is the therapist's choice within a course
    person = participant_sharing.linked_participant(user, episode)
    if person is not None:
        # variants.md §1.4/§1.6: what the therapist agreed to share with this person,
        # read from their participant record on the episode (none once removed).
        return participant_sharing.parts_for(person)
    shared = {
        SUMMARY: episode.guardian_sees_summary,
        CONTRACT: episode.guardian_sees_contract,
        SAFETY_PLAN: episode.guardian_sees_safety_plan,
        # Goals are shared one by one; the section shows if any is (see ``shared_goals``).
        GOALS: True,
    }
    return frozenset(part for part, on in shared.items() if on)


def capability_of(user: Any) -> Capability:
    """The widest portal capability of the session: what its querysets are scoped by."""
    return Capability.PORTAL_OWN if can(user, Capability.PORTAL_OWN) else Capability.PORTAL_SHARED


def current_episode(user: Any, client: Client) -> Episode | None:
    """The client's latest course of treatment (a maintenance one after the acute one)."""
    episodes = Episode.objects.visible_to(user, capability_of(user)).filter(client=client)
    return episodes.order_by("-started_on", "-pk").first()


def current_contract(user: Any, episode: Episode) -> Contract | None:
    contracts = Contract.objects.visible_to(user, capability_of(user)).filter(episode=episode)
    return contracts.order_by("-version").first()


def current_safety_plan(user: Any, client: Client) -> SafetyPlan | None:
    plans = SafetyPlan.objects.visible_to(user, capability_of(user)).filter(client=client)
    return plans.order_by("-version").first()


def shared_goals(user: Any, episode: Episode) -> list[Goal]:
    goals = Goal.objects.visible_to(user, capability_of(user)).filter(episode=episode)
    if not can(user, Capability.PORTAL_OWN):
        goals = goals.filter(shared_with_guardian=True)  # the guardian rule, goal by goal
    return list(goals)


def goal_groups(episode: Episode, goals: list[Goal]) -> list[dict[str, Any]]:
    """Goals under their problem area in plain words, the chosen areas first."""
    chosen = [a for a in (episode.primary_problem_area, episode.secondary_problem_area) if a]
    order = chosen + [a for a in ProblemArea.values if a not in chosen]
    groups = [
        {"label": plain_area(area), "goals": [g for g in goals if g.problem_area == area]}
        for area in order
    ]
    return [group for group in groups if group["goals"]]


def is_acknowledged(contract: Contract) -> bool:
    return bool(contract.portal_acknowledged_at or contract.acknowledged_at)


class AcknowledgeForm(forms.Form):
    contract = forms.UUIDField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=gettext_lazy("I have read this agreement and I agree to it."),
        error_messages={
            "required": gettext_lazy("Tick the box to say you agree, then press the button.")
        },
    )


@dataclass
class Plan:
    client: Client
    episode: Episode | None
    parts: frozenset[str] = frozenset()
    summary: ClientSummary | None = None
    goal_groups: list[dict[str, Any]] = field(default_factory=list)
    contract: Contract | None = None
    safety_plan: SafetyPlan | None = None


def load_plan(request: HttpRequest) -> Plan:
    """Everything this session may see of the plan, fetched through the access layer."""
    user = request.user
    client = portal_client(request, capability_of(user))
    episode = current_episode(user, client)
    parts = visible_parts(user, episode)
    plan = Plan(client=client, episode=episode, parts=parts)
    if SUMMARY in parts:
        summaries = ClientSummary.objects.visible_to(user, capability_of(user))
        plan.summary = summaries.filter(episode=episode).approved().first()
    if GOALS in parts:
        plan.goal_groups = goal_groups(episode, shared_goals(user, episode))
    if CONTRACT in parts:
        plan.contract = current_contract(user, episode)
    if SAFETY_PLAN in parts:
        plan.safety_plan = current_safety_plan(user, client)
    return plan


def _shown(plan: Plan) -> list[str]:
    """Names of the parts a page showed, for the audit (never their text)."""
    shown = {
        SUMMARY: plan.summary,
        GOALS: plan.goal_groups,
        CONTRACT: plan.contract,
        SAFETY_PLAN: plan.safety_plan,
    }
    return [part for part, value in shown.items() if value]


def _render_plan(
    request: HttpRequest, plan: Plan, form: AcknowledgeForm | None = None
) -> HttpResponse:
    contract = plan.contract
    if form is None and contract is not None:
        form = AcknowledgeForm(initial={"contract": contract.public_id})
    context = {
        "client": plan.client,
        "plan": plan,
        "guardian": not can(request.user, Capability.PORTAL_OWN),
        "acknowledge_form": form,
        # The contract's own focus words, unless they only name the areas in clinical terms.
        "focus": contract.focus
        if contract is not None and contract.focus != services.default_focus(plan.episode)
        else "",
        "areas": [
            PLAIN_AREAS[a]
            for a in (plan.episode.primary_problem_area, plan.episode.secondary_problem_area)
            if a
        ]
        if plan.episode
        else [],
    }
    return render(request, "portal/plan/plan.html", context)


@portal_view(Capability.PORTAL_SHARED)
def my_plan(request: HttpRequest) -> HttpResponse:
    plan = load_plan(request)
    if plan.episode is not None:
        audit.record(request, "portal.plan.viewed", plan.episode, fields=_shown(plan))
    elif plan.safety_plan is not None:
        audit.record(request, "portal.plan.viewed", plan.safety_plan, fields=_shown(plan))
    return _render_plan(request, plan)


@require_POST
@portal_view(Capability.PORTAL_OWN)
def acknowledge_contract(request: HttpRequest) -> HttpResponse:
    """The client acknowledges the version they read; a newer version needs its own."""
    plan = load_plan(request)
    contract = plan.contract
    if contract is None:
        raise Http404
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, plan, form)
    if form.cleaned_data["contract"] != contract.public_id:
        messages.error(
            request,
            _("Your agreement has changed. Read it again, then acknowledge it."),
        )
        return redirect(reverse("portal:plan") + "#contract-heading")
    updated = Contract.objects.filter(pk=contract.pk, portal_acknowledged_at__isnull=True).update(
        portal_acknowledged_at=timezone.now(), portal_acknowledged_by=request.user
    )
    if updated:
        audit.record(
            request,
            "portal.contract.acknowledged",
            contract,
            fields=["portal_acknowledged_at", "portal_acknowledged_by"],
        )
        messages.success(request, _("Thank you. Your acknowledgement is recorded."))
    else:
        messages.info(request, _("You had already acknowledged this agreement."))
    return redirect(reverse("portal:plan") + "#contract-heading")


@portal_view(Capability.PORTAL_SHARED)
def safety_plan(request: HttpRequest) -> HttpResponse:
    """The current safety plan as a clean page to print; a guardian only if it is shared."""
    plan = load_plan(request)
    if SAFETY_PLAN not in plan.parts:
        raise Http404
    current = plan.safety_plan
    if current is not None:
        audit.record(request, "portal.safety_plan.viewed", current)
    context = {
        "client": plan.client,
        "safety_plan": current,
        "plan_parts": safety_plans.parts(current) if current else [],
    }
    return render(request, "portal/plan/safety_plan.html", context)


@due_source(guardian=False)
def contract_to_acknowledge(request: HttpRequest, client: Client) -> list[DueItem]:
    """The contract in force, while the client has acknowledged it neither here nor in person."""
    episode = current_episode(request.user, client)
    contract = current_contract(request.user, episode) if episode else None
    if contract is None or is_acknowledged(contract):
        return []
    url = reverse("portal:plan") + "#contract-heading"
    return [DueItem(_("Read and acknowledge your treatment agreement"), url, "contract")]
