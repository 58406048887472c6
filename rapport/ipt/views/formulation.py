"""Problem areas, the interpersonal formulation, goals and the dispute stage (§1.3–§1.4)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import catalogue, services, suggestions
from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.forms.initial import DisputeStageForm, FormulationForm, GoalAddForm, GoalForm
from rapport.ipt.forms.plan import plan_panels
from rapport.ipt.models import Episode, Goal
from rapport.ipt.views.base import episode_context, get_episode


def _areas(episode: Episode) -> list[str]:
    return [a for a in (episode.primary_problem_area, episode.secondary_problem_area) if a]


def _goal_groups(episode: Episode, bound: GoalForm | None) -> list[dict[str, Any]]:
    """Goals by area: the chosen areas first; goals of a dropped area stay visible."""
    chosen = _areas(episode)
    goals: dict[str, list[Goal]] = {}
    for goal in episode.goals.all():
        goals.setdefault(goal.problem_area, []).append(goal)
    order = chosen + [a for a in ProblemArea.values if a in goals and a not in chosen]
    return [
        {
            "area": area,
            "label": ProblemArea(area).label,
            "chosen": area in chosen,
            "strategies": catalogue.PROBLEM_AREA_STRATEGIES[area],
            "goals": [(goal, _goal_form(goal, bound)) for goal in goals.get(area, [])],
        }
        for area in order
    ]


def _goal_form(goal: Goal, bound: GoalForm | None) -> GoalForm:
    """The goal's form; the one just submitted keeps what was typed."""
    if bound is not None and bound.prefix == f"goal-{goal.public_id}":
        return bound
    return GoalForm(goal=goal)


def _render(request: HttpRequest, episode: Episode, **forms: Any) -> HttpResponse:
    can_write = forms.pop("can_write", None)
    context = episode_context(request, episode, "formulation")
    if can_write is not None:
        context["can_edit"] = can_write
    has_inventory = episode.people.exists() or episode.timeline.exists()
    fired, not_fired = suggestions.review(episode) if has_inventory else ([], [])
    context.update(
        suggestions=fired,
        not_suggested=not_fired,
        has_inventory=has_inventory,
        form=forms.get("form") or FormulationForm(instance=episode),
        goal_groups=_goal_groups(episode, forms.get("goal_form")),
        add_form=forms.get("add_form") or GoalAddForm(episode=episode),
        is_dispute=ProblemArea.ROLE_DISPUTE in _areas(episode),
        stages=list(episode.dispute_stages.select_related("assessed_by")),
        stage_form=forms.get("stage_form") or DisputeStageForm(),
        **plan_panels(
            episode,
            summary_form=forms.get("summary_form"),
            sharing_form=forms.get("sharing_form"),
        ),
    )
    return render(request, "ipt/formulation/formulation.html", context)


@requires(Capability.VIEW_CLINICAL)
def formulation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    audit.record(request, "ipt.formulation.viewed", episode)
    return _render(request, episode)


def _back(episode: Episode, anchor: str) -> HttpResponse:
    return redirect(reverse("ipt:formulation", args=[episode.public_id]) + f"#{anchor}")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def formulation_save(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = FormulationForm(request.POST, instance=episode)
    if form.is_valid() and form.save_if_current():
        # Nothing is ticked on the checklist: completing a task stays the therapist's act.
        services.choose_problem_areas(episode)
        audit.record(request, "ipt.formulation.updated", episode, fields=form.changed_fields())
        messages.success(request, _("Formulation saved."))
        return _back(episode, "formulation-heading")
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)  # as stored
    return _render(request, episode, form=form, can_write=True)


def _get_goal(episode: Episode, goal_id: uuid.UUID) -> Goal:
    return get_object_or_404(episode.goals.select_for_update(), public_id=goal_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def goal_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = GoalAddForm(request.POST, episode=episode)
    if not form.is_valid():
        return _render(request, episode, add_form=form, can_write=True)
    area = form.cleaned_data["problem_area"]
    last = episode.goals.filter(problem_area=area).aggregate(last=Max("position"))["last"]
    goal = Goal.objects.create(
        episode=episode,
        problem_area=area,
        text=form.cleaned_data["text"],
        position=(last or 0) + 1,
    )
    audit.record(request, "ipt.goal.created", goal, fields=["problem_area", "text"])
    messages.success(request, _("Goal added."))
    return _back(episode, f"goal-{goal.public_id}")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def goal_save(request: HttpRequest, public_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    goal = _get_goal(episode, goal_id)
    form = GoalForm(request.POST, goal=goal)
    if not form.is_valid():
        return _render(request, episode, goal_form=form, can_write=True)
    changed = [name for name in form.changed_data if name != "seen"]
    goal.text, goal.achieved = form.cleaned_data["text"], form.cleaned_data["achieved"]
    goal.save(update_fields=["text", "achieved"])
    audit.record(request, "ipt.goal.updated", goal, fields=changed)
    messages.success(request, _("Goal saved."))
    return _back(episode, f"goal-{goal.public_id}")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def goal_remove(request: HttpRequest, public_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    goal = _get_goal(episode, goal_id)
    audit.record(request, "ipt.goal.removed", goal)
    goal.remove(request.user)
    messages.success(request, _("Goal removed."))
    return _back(episode, "goals-heading")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def dispute_stage_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = DisputeStageForm(request.POST)
    if not form.is_valid():
        return _render(request, episode, stage_form=form, can_write=True)
    form.instance.episode, form.instance.assessed_by = episode, request.user
    form.save()
    # The assessment has no opaque id of its own: the event names the episode.
    audit.record(request, "ipt.dispute_stage.assessed", episode, fields=form.changed_data)
    messages.success(request, _("Dispute stage recorded."))
    return _back(episode, "dispute-heading")
