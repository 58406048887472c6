"""The termination phase (§1.7): checklist, maintenance plan (§4.3–§4.4), closing the episode."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.versioning import update_if_current
from rapport.ipt import services, variants
from rapport.ipt.catalogue import EpisodeType, ProblemArea
from rapport.ipt.forms.initial import TaskForm
from rapport.ipt.forms.termination import EpisodeCloseForm, MaintenancePlanForm
from rapport.ipt.models import Episode, EpisodeTask, MaintenancePlan
from rapport.ipt.views import checklist
from rapport.ipt.views.base import episode_context, get_episode

CLOSED_MESSAGE = gettext_lazy("This episode is closed: it can no longer be changed.")


# ---------------------------------------------------------------- helpers


def termination_tasks(episode: Episode) -> list[EpisodeTask]:
    """§1.7's checklist rows, created the first time an active episode needs them."""
    tasks = TERMINATION.rows(episode)
    expected = len(variants.of(episode).all_termination_tasks())
    if len(tasks) < expected and episode.status == Episode.Status.ACTIVE:
        services.ensure_termination_tasks(episode)
        tasks = TERMINATION.rows(episode)
    return tasks


def plan_of(episode: Episode) -> MaintenancePlan | None:
    return MaintenancePlan.objects.filter(episode=episode).select_related("updated_by").first()


def missing_for_completion(
    episode: Episode, tasks: list[EpisodeTask], plan: MaintenancePlan | None
) -> list[str]:
    """What a "completed" close still needs (§1.7): every task done, and a maintenance plan."""
    done = {task.code for task in tasks if task.done}
    missing = [
        _("tick “%(task)s”") % {"task": item.label_for(episode.variant)}
        for item in variants.of(episode).all_termination_tasks()
        if item.code not in done
    ]
    if plan is None:
        missing.append(_("write the maintenance plan"))
    return missing


def phase_position(episode: Episode, held: int, planned: int | None) -> str:
    """Where the course stands against its contract (§1.2: the last M sessions terminate)."""
    if episode.status == Episode.Status.CLOSED:
        return _("Closed on %(day)s after %(held)d sessions held.") % {
            "day": episode.closed_on.isoformat() if episode.closed_on else "",
            "held": held,
        }
    if episode.episode_type == EpisodeType.MAINTENANCE:
        return _("Maintenance episode: next session is session %(next)d.") % {"next": held + 1}
    if not planned:
        return _(
            "No treatment contract yet: the termination phase is counted back from the "
            "contract's last session."
        )
    start = max(planned - episode.termination_phase_sessions + 1, 1)
    values = {"next": held + 1, "planned": planned, "start": start}
    if held >= planned:
        return (
            _(
                "All %(planned)d contracted sessions are held: close the episode, or renegotiate "
                "the contract."
            )
            % values
        )
    return _("Session %(next)d of %(planned)d: termination begins at session %(start)d.") % values


def _closing_facts(episode: Episode, tasks: list[EpisodeTask]) -> dict[str, Any]:
    """The maintenance plan, and what a completed close still needs: both follow the tasks."""
    plan = plan_of(episode)
    return {"plan": plan, "missing": missing_for_completion(episode, tasks, plan)}


# §1.7's checklist saves one task at a time, as the initial phase's does; a save also
# updates the "Closing the episode" panel, which lists the tasks still to tick.
TERMINATION = checklist.Checklist(
    section="termination",
    tasks=variants.ALL_TERMINATION_TASKS,
    workspace_url="ipt:termination",
    task_url="ipt:termination_task",
    audit_action="ipt.termination_tasks.updated",
    audit_field="{code}.{name}",
    facts=_closing_facts,
    out_of_band=("ipt/termination/closing.html",),
    heading_level=3,
)


def _refuse_if_closed(request: HttpRequest, episode: Episode) -> HttpResponse | None:
    """A closed episode is read-only: every write here stops with a message instead."""
    if episode.status == Episode.Status.CLOSED:
        messages.error(request, CLOSED_MESSAGE)
        if checklist.is_htmx(request):
            # A task saved in place: the whole page is shown again, read-only, with the message.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("ipt:termination", args=[episode.public_id])
            return response
        return redirect("ipt:termination", public_id=episode.public_id)
    return None


def _workspace(
    request: HttpRequest,
    episode: Episode,
    tasks: list[EpisodeTask],
    bound: TaskForm | None = None,
) -> HttpResponse:
    context = episode_context(request, episode, "termination")
    contract = context["contract"]
    planned = contract.planned_sessions if contract else None
    editable = checklist.is_writable(episode, context["can_edit"])
    context |= checklist.page_context(TERMINATION, episode, tasks, editable=editable, bound=bound)
    context.update(
        position=phase_position(episode, context["sessions_held"], planned),
        editable=editable,
        # §1.4: interpersonal deficits respond less well; say so where the decision is made.
        deficits_focus=episode.primary_problem_area == ProblemArea.INTERPERSONAL_DEFICITS,
        offer_maintenance=_offers_follow_on(episode, context["plan"]) and context["can_edit"],
    )
    return render(request, "ipt/termination/workspace.html", context)


def _offers_follow_on(episode: Episode, plan: MaintenancePlan | None) -> bool:
    """A closed, completed course whose plan chose maintenance, and no episode open yet."""
    return (
        episode.status == Episode.Status.CLOSED
        and episode.close_reason == Episode.CloseReason.COMPLETED
        and plan is not None
        and plan.decision == MaintenancePlan.Decision.MAINTENANCE
        and not episode.client.episodes.active().exists()
    )


def _start_maintenance(request: HttpRequest, episode: Episode) -> Episode:
    """§4.4: the follow-on maintenance episode, with its own contract still to agree."""
    follow_on = services.open_episode(
        episode.client,
        therapist=request.user,
        started_on=timezone.localdate(),
        episode_type=EpisodeType.MAINTENANCE,
        variant=episode.variant,
    )
    audit.record(request, "ipt.episode.created", follow_on, fields=["episode_type"])
    return follow_on


# ---------------------------------------------------------------- views


@requires(Capability.VIEW_CLINICAL)
def termination(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    tasks = termination_tasks(episode)
    audit.record(request, "ipt.termination.viewed", episode)
    return _workspace(request, episode, tasks)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def termination_task_save(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """Save one §1.7 task; with htmx only that task is swapped, so other typing stays."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    refused = _refuse_if_closed(request, episode)
    if refused:
        return refused
    return checklist.save_task(
        request,
        episode,
        TERMINATION,
        code,
        workspace=lambda form: _workspace(request, episode, TERMINATION.rows(episode), form),
    )


def _rebind(form: Any, name: str, value: object) -> None:
    form.data = form.data.copy()
    form.data[form.add_prefix(name)] = value


@requires(Capability.EDIT_CLINICAL)
def maintenance_plan(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    refused = _refuse_if_closed(request, episode)
    if refused:
        return refused
    plan = plan_of(episode) or MaintenancePlan(episode=episode, updated_by=request.user)
    creating = plan.pk is None
    form = MaintenancePlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid() and _save_plan(request, form, creating):
        messages.success(request, _("Maintenance plan saved."))
        return redirect("ipt:termination", public_id=episode.public_id)
    if form.has_error(NON_FIELD_ERRORS, "stale"):
        _rebind(form, "version", plan.version)  # the next save is checked against theirs
    if request.method == "GET" and not creating:
        audit.record(request, "ipt.maintenance_plan.viewed", plan)
    context = episode_context(request, episode, "termination", form=form, creating=creating)
    return render(request, "ipt/termination/plan_form.html", context)


def _save_plan(request: HttpRequest, form: MaintenancePlanForm, creating: bool) -> bool:
    """Create the plan, or update it only if nobody saved since the form was opened."""
    values = form.clean_values()
    changed = [name for name in form.changed_data if name != "version"]
    plan = form.instance
    if creating:
        try:
            with transaction.atomic():
                plan = MaintenancePlan.objects.create(
                    episode=plan.episode, updated_by=request.user, **values
                )
        except IntegrityError:  # another tab created it first: one plan per episode
            form.add_error(None, MaintenancePlanForm.stale_message)
            return False
        audit.record(request, "ipt.maintenance_plan.created", plan, fields=changed)
        return True
    saved = update_if_current(
        MaintenancePlan.objects,
        plan,
        form.cleaned_data["version"],
        updated_by=request.user,
        updated_at=timezone.now(),
        **values,
    )
    if not saved:
        form.add_error(None, MaintenancePlanForm.stale_message)
        _rebind(form, "version", MaintenancePlan.objects.get(pk=plan.pk).version)
        return False
    audit.record(request, "ipt.maintenance_plan.updated", plan, fields=changed)
    return True


@requires(Capability.EDIT_CLINICAL)
def episode_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    refused = _refuse_if_closed(request, episode)
    if refused:
        return refused
    tasks = termination_tasks(episode)
    plan = plan_of(episode)
    missing = missing_for_completion(episode, tasks, plan)
    offers = plan is not None and plan.decision == MaintenancePlan.Decision.MAINTENANCE
    form = EpisodeCloseForm(
        request.POST or None,
        initial={"version": episode.version},
        missing=missing,
        offers_maintenance=offers,
    )
    if request.method == "POST" and form.is_valid():
        follow_on = _close(request, episode, form)
        if follow_on is not None:
            messages.success(request, _("Episode closed. The maintenance episode has started."))
            return redirect("ipt:episode", public_id=follow_on.public_id)
        if episode.status == Episode.Status.CLOSED:
            messages.success(request, _("Episode closed."))
            return redirect("ipt:termination", public_id=episode.public_id)
    audit.record(request, "ipt.termination.viewed", episode)
    context = episode_context(
        request, episode, "termination", form=form, missing=missing, plan=plan
    )
    return render(request, "ipt/termination/close.html", context)


def _close(request: HttpRequest, episode: Episode, form: EpisodeCloseForm) -> Episode | None:
    """Close in one conditional UPDATE (still active, unchanged since the form was opened)."""
    data = form.cleaned_data
    values = {
        "status": Episode.Status.CLOSED,
        "closed_on": timezone.localdate(),
        "close_reason": data["reason"],
        "close_note": data["note"].strip(),
    }
    with transaction.atomic():
        active = Episode.objects.filter(status=Episode.Status.ACTIVE)
        if not update_if_current(active, episode, data["version"], **values):
            form.add_error(
                None,
                _("This episode changed while you were closing it. Check it, then try again."),
            )
            return None
        for name, value in values.items():
            setattr(episode, name, value)
        audit.record(request, "ipt.episode.closed", episode, fields=list(values))
        if data.get("start_maintenance"):
            return _start_maintenance(request, episode)
    return None


@require_POST
@requires(Capability.EDIT_CLINICAL)
def maintenance_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The follow-on offer shown on a closed episode (when it was not taken at closing)."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    if not _offers_follow_on(episode, plan_of(episode)):
        messages.error(
            request,
            _(
                "A maintenance episode can start only after a completed course that planned one, "
                "while the client has no other active episode."
            ),
        )
        return redirect("ipt:termination", public_id=episode.public_id)
    with transaction.atomic():
        follow_on = _start_maintenance(request, episode)
    messages.success(request, _("The maintenance episode has started."))
    return redirect("ipt:episode", public_id=follow_on.public_id)
