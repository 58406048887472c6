"""The initial-phase workspace (§1.3) and the episode's settings (§1.2, §4.2)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import variants
from rapport.ipt.forms.initial import EpisodeSettingsForm, TaskForm
from rapport.ipt.models import Episode, EpisodeTask
from rapport.ipt.views import checklist
from rapport.ipt.views.base import episode_context, get_episode

# Where the work of each task happens (§1.3): the checklist links there.
TASK_PAGES = {
    "diagnosis": "ipt:episode_settings",
    "medication": "ipt:episode_settings",
    "inventory": "ipt:inventory",
    "timeline": "ipt:timeline",
    "problem_area": "ipt:formulation",
    "formulation": "ipt:formulation",
    "contract": "ipt:contract",
}


def _workspace_facts(episode: Episode, rows: list[EpisodeTask]) -> dict[str, Any]:
    """What already exists for each task, in a fixed number of queries."""
    goals = episode.goals.aggregate(
        total=Count("pk"), achieved=Count("pk", filter=Q(achieved=True))
    )
    contracts = episode.contracts.aggregate(versions=Count("pk"), latest=Max("version"))
    return {
        "people_count": episode.people.count(),
        "event_count": episode.timeline.count(),
        "goal_count": goals["total"],
        "goals_achieved": goals["achieved"],
        "contract_versions": contracts["versions"],
    }


INITIAL = checklist.Checklist(
    section="initial",
    tasks=variants.ALL_INITIAL_TASKS,
    workspace_url="ipt:initial_phase",
    task_url="ipt:initial_task",
    audit_action="ipt.task.updated",
    audit_field="task.{code}.{name}",
    facts=_workspace_facts,
    facts_template="ipt/initial/task_facts.html",
    pages=TASK_PAGES,
)


@requires(Capability.VIEW_CLINICAL)
def initial_phase(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    audit.record(request, "ipt.initial_phase.viewed", episode)
    return _render_workspace(request, episode)


def _render_workspace(
    request: HttpRequest, episode: Episode, bound: TaskForm | None = None
) -> HttpResponse:
    context = episode_context(request, episode, "initial")
    context |= checklist.page_context(
        INITIAL,
        episode,
        INITIAL.rows(episode),
        editable=checklist.is_writable(episode, context["can_edit"]),
        bound=bound,
    )
    return render(request, "ipt/initial/workspace.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def task_save(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """Save one checklist item; with htmx only that item is swapped, so other typing stays."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    return checklist.save_task(
        request,
        episode,
        INITIAL,
        code,
        workspace=lambda form: _render_workspace(request, episode, bound=form),
    )


@requires(Capability.EDIT_CLINICAL)
def episode_settings(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    contract = episode.current_contract
    form = EpisodeSettingsForm(
        request.POST or None,
        instance=episode,
        planned=contract.planned_sessions if contract else None,
    )
    if request.method == "POST" and form.is_valid() and form.save_if_current():
        audit.record(request, "ipt.episode.settings_updated", episode, fields=form.changed_fields())
        messages.success(request, _("Episode settings saved."))
        return redirect("ipt:initial_phase", public_id=episode.public_id)
    if request.method == "GET":
        audit.record(request, "ipt.episode.settings_viewed", episode)
    return render(
        request,
        "ipt/initial/settings.html",
        episode_context(request, episode, "initial", form=form),
    )
