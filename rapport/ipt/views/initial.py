"""The initial-phase workspace (§1.3) and the episode's settings (§1.2, §4.2)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import catalogue
from rapport.ipt.forms.initial import EpisodeSettingsForm, TaskForm
from rapport.ipt.models import Episode, EpisodeTask
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


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _task_rows(episode: Episode, bound: TaskForm | None = None) -> list[dict[str, Any]]:
    """The nine tasks in protocol order, each with its form (the bound one keeps its input)."""
    rows = {row.code: row for row in episode.tasks.select_related("completed_by")}
    items = []
    for task in catalogue.INITIAL_TASKS:
        row = rows.get(task.code)
        if row is None:  # an episode opened before this task existed
            continue
        form = bound if bound is not None and bound.prefix == task.code else TaskForm(row=row)
        items.append(_task_item(episode, task, row, form))
    return items


def _task_item(
    episode: Episode, task: catalogue.Task, row: EpisodeTask, form: TaskForm
) -> dict[str, Any]:
    return {
        "task": task,
        "label": task.label_for(episode.variant),
        "row": row,
        "form": form,
        "page": TASK_PAGES.get(task.code),
    }


def _progress(items: list[dict[str, Any]]) -> dict[str, int]:
    return {"done": sum(1 for item in items if item["row"].done), "total": len(items)}


def _workspace_facts(episode: Episode) -> dict[str, Any]:
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


@requires(Capability.VIEW_CLINICAL)
def initial_phase(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    audit.record(request, "ipt.initial_phase.viewed", episode)
    return _render_workspace(request, episode)


def _render_workspace(
    request: HttpRequest, episode: Episode, bound: TaskForm | None = None
) -> HttpResponse:
    items = _task_rows(episode, bound)
    context = episode_context(
        request,
        episode,
        "initial",
        items=items,
        progress=_progress(items),
        **_workspace_facts(episode),
    )
    return render(request, "ipt/initial/workspace.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def task_save(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """Save one checklist item; with htmx only that item is swapped, so other typing stays."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    if code not in {task.code for task in catalogue.INITIAL_TASKS}:
        raise Http404
    # Locked for the request's transaction: the fingerprint check and the write agree.
    row = episode.tasks.select_for_update().filter(code=code).first()
    if row is None:
        raise Http404
    form = TaskForm(request.POST, row=row)
    saved = form.is_valid()
    if saved:
        _save_task(request, episode, row, form)
    if _is_htmx(request):
        return _render_task(request, episode, row, form, saved)
    if saved:
        label = row.task.label_for(episode.variant)
        messages.success(request, _("Saved: %(task)s.") % {"task": label})
        return redirect(reverse("ipt:initial_phase", args=[episode.public_id]) + f"#task-{code}")
    return _render_workspace(request, episode, bound=form)


def _save_task(request: HttpRequest, episode: Episode, row: EpisodeTask, form: TaskForm) -> None:
    changed = [name for name in form.changed_data if name != "seen"]
    done, note = form.cleaned_data["done"], form.cleaned_data["note"]
    values: dict[str, Any] = {"done": done, "note": note}
    if done and not row.done:
        values |= {"completed_at": timezone.now(), "completed_by": request.user}
    elif not done:
        values |= {"completed_at": None, "completed_by": None}
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=list(values))
    # The task has no opaque id of its own: the event names the episode and the task code.
    audit.record(
        request, "ipt.task.updated", episode, fields=[f"task.{row.code}.{n}" for n in changed]
    )


def _render_task(
    request: HttpRequest, episode: Episode, row: EpisodeTask, form: TaskForm, saved: bool
) -> HttpResponse:
    if saved:
        form = TaskForm(row=row)
    task = row.task
    items = _task_rows(episode) if saved else None
    context = episode_context(
        request,
        episode,
        "initial",
        item=_task_item(episode, task, row, form),
        saved=saved,
        progress=_progress(items) if items else None,
        # The swapped task shows the same facts as on the page (task_facts.html needs them).
        **_workspace_facts(episode),
    )
    return render(request, "ipt/initial/task_response.html", context)


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
