"""An episode's manual: what it brings, and changing it on a running episode (item 7).

A change is explicit: the therapist chooses the new manual and says why, then
reads what it brings (sessions, length, phases, areas, checklist, measures)
before confirming. The change is kept with its reason and audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import services, variants
from rapport.ipt.forms.variants import VariantChangeForm
from rapport.ipt.models import Episode, VariantChange
from rapport.ipt.views.base import episode_context, get_episode

HISTORY_SHOWN = 20  # a manual changes rarely; the page stays bounded


@requires(Capability.VIEW_CLINICAL)
def variant(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "ipt.variant.viewed", episode)
    return _page(request, episode, VariantChangeForm(episode=episode))


@require_POST
@requires(Capability.EDIT_CLINICAL)
def variant_change(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    form = VariantChangeForm(request.POST, episode=episode)
    if form.is_valid():
        problem = services.variant_change_problem(episode, form.cleaned_data["variant"])
        if problem:
            form.add_error("variant", problem)
    if not form.is_valid():
        return _page(request, episode, form, status=400)
    target = variants.get(form.cleaned_data["variant"])
    if not form.cleaned_data["confirmed"]:
        context = episode_context(
            request,
            episode,
            "overview",
            form=form,
            current=variants.of(episode),
            target=target,
            added_tasks=_added_tasks(episode, target),
        )
        return render(request, "ipt/variants/review_change.html", context)
    services.change_variant(
        episode, to_variant=target.code, reason=form.cleaned_data["reason"], by=request.user
    )
    audit.record(
        request,
        "ipt.episode.variant_changed",
        episode,
        fields=["variant", "initial_phase_sessions", "termination_phase_sessions"],
    )
    messages.success(request, _("The episode now follows %(manual)s.") % {"manual": target.label})
    return redirect("ipt:variant", public_id=episode.public_id)


def _added_tasks(episode: Episode, target: variants.VariantDefinition) -> list[str]:
    have = set(episode.tasks.values_list("code", flat=True))
    return [target.task_label(t) for t in target.all_initial_tasks() if t.code not in have]


def _page(
    request: HttpRequest, episode: Episode, form: VariantChangeForm, *, status: int = 200
) -> HttpResponse:
    history = VariantChange.objects.filter(episode=episode).select_related("changed_by")[
        :HISTORY_SHOWN
    ]
    context: dict[str, Any] = episode_context(
        request,
        episode,
        "overview",
        definition=variants.of(episode),
        form=form,
        history=list(history),
    )
    return render(request, "ipt/variants/variant.html", context, status=status)
