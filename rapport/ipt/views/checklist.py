"""Checklist tasks of the initial (§1.3) and termination (§1.7) phases, saved one at a time.

Each task is its own small form (ipt/checklist/task.html). With htmx only the saved
task is swapped, so what is typed in the other tasks stays, and the progress (with
whatever else the phase derives from it) is swapped out of band. Without scripts the
save redirects back to the workspace with a message. A fingerprint of what the editor
saw refuses a save over someone else's (forms.initial.TaskForm).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.ipt import catalogue
from rapport.ipt.forms.initial import TaskForm
from rapport.ipt.models import Episode, EpisodeTask
from rapport.ipt.views.base import episode_context

Facts = Callable[[Episode, list[EpisodeTask]], dict[str, Any]]


@dataclass(frozen=True)
class Checklist:
    """What differs between the two phases' checklists; everything else is shared."""

    section: str  # the episode tab, and which progress wording is shown
    tasks: tuple[catalogue.Task, ...]
    workspace_url: str
    task_url: str
    audit_action: str
    audit_field: str  # how a changed field is named in the audit event: {code}, {name}
    # What the page shows beside the tasks and must stay true after a save.
    facts: Facts
    facts_template: str = ""  # shown in each task, if any
    out_of_band: tuple[str, ...] = ()  # swapped with the progress after an htmx save
    pages: Mapping[str, str] = field(default_factory=dict)  # where each task's work happens
    heading_level: int = 2

    @property
    def codes(self) -> list[str]:
        return [task.code for task in self.tasks]

    def rows(self, episode: Episode) -> list[EpisodeTask]:
        return list(episode.tasks.filter(code__in=self.codes).select_related("completed_by"))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_writable(episode: Episode, can_edit: bool) -> bool:
    """Whether the tasks show their forms: the user may write, and the episode is open."""
    return can_edit and episode.status == Episode.Status.ACTIVE


def items(
    checklist: Checklist,
    episode: Episode,
    rows: list[EpisodeTask],
    *,
    editable: bool,
    bound: TaskForm | None = None,
) -> list[dict[str, Any]]:
    """The tasks in protocol order, each with its form (the bound one keeps its input)."""
    by_code = {row.code: row for row in rows}
    found = []
    for task in checklist.tasks:
        row = by_code.get(task.code)
        if row is None:  # an episode opened before this task existed
            continue
        form = bound if bound is not None and bound.prefix == task.code else TaskForm(row=row)
        found.append(_item(checklist, episode, row, form, editable))
    return found


def _item(
    checklist: Checklist, episode: Episode, row: EpisodeTask, form: TaskForm, editable: bool
) -> dict[str, Any]:
    return {
        "task": row.task,
        "label": row.task.label_for(episode.variant),
        "row": row,
        "form": form,
        "page": checklist.pages.get(row.code),
        "editable": editable,
        "action": reverse(checklist.task_url, args=[episode.public_id, row.code]),
    }


def progress(rows: list[EpisodeTask]) -> dict[str, int]:
    return {"done": sum(1 for row in rows if row.done), "total": len(rows)}


def page_context(
    checklist: Checklist,
    episode: Episode,
    rows: list[EpisodeTask],
    *,
    editable: bool,
    bound: TaskForm | None = None,
) -> dict[str, Any]:
    """What a workspace showing the checklist needs: its tasks, progress and facts."""
    return {
        "checklist": checklist,
        "items": items(checklist, episode, rows, editable=editable, bound=bound),
        "progress": progress(rows),
        **checklist.facts(episode, rows),
    }


def save_task(
    request: HttpRequest,
    episode: Episode,
    checklist: Checklist,
    code: str,
    *,
    workspace: Callable[[TaskForm], HttpResponse],
) -> HttpResponse:
    """Save one task of an episode the caller may write in.

    htmx gets the task back (and the progress out of band); a plain POST is
    redirected to the workspace, or shown it again with the errors (``workspace``).
    """
    if code not in checklist.codes:
        raise Http404
    # Locked for the request's transaction: the fingerprint check and the write agree.
    row = episode.tasks.select_for_update().filter(code=code).first()
    if row is None:
        raise Http404
    form = TaskForm(request.POST, row=row)
    saved = form.is_valid()
    if saved:
        _save(request, episode, checklist, row, form)
    if is_htmx(request):
        return _render_task(request, episode, checklist, row, form, saved)
    if saved:
        label = row.task.label_for(episode.variant)
        messages.success(request, _("Saved: %(task)s.") % {"task": label})
        url = reverse(checklist.workspace_url, args=[episode.public_id])
        return redirect(f"{url}#task-{code}")
    return workspace(form)


def _save(
    request: HttpRequest,
    episode: Episode,
    checklist: Checklist,
    row: EpisodeTask,
    form: TaskForm,
) -> None:
    changed = [name for name in form.changed_data if name != "seen"]
    if not changed:
        return
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
    fields = [checklist.audit_field.format(code=row.code, name=name) for name in changed]
    audit.record(request, checklist.audit_action, episode, fields=fields)


def _render_task(
    request: HttpRequest,
    episode: Episode,
    checklist: Checklist,
    row: EpisodeTask,
    form: TaskForm,
    saved: bool,
) -> HttpResponse:
    rows = checklist.rows(episode)
    context = episode_context(
        request,
        episode,
        checklist.section,
        checklist=checklist,
        item=_item(checklist, episode, row, TaskForm(row=row) if saved else form, True),
        saved=saved,
        # The progress and what depends on it change only when something was saved.
        progress=progress(rows) if saved else None,
        # The swapped task shows the same facts as the page does.
        **checklist.facts(episode, rows),
    )
    return render(request, "ipt/checklist/task_response.html", context)
