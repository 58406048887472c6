from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import services, variants
from rapport.ipt.forms.episodes import EpisodeStartForm
from rapport.ipt.views.base import episode_context, get_episode


@requires(Capability.EDIT_CLINICAL)
def episode_start(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    client = get_object_or_404(
        Client.objects.visible_to(request.user, Capability.EDIT_CLINICAL), public_id=client_id
    )
    form = EpisodeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not fields.pop("confirmed") and not client.episodes.active().exists():
            context = {
                "form": form,
                "client": client,
                "definition": variants.get(fields["variant"]),
            }
            return render(request, "ipt/episodes/start_review.html", context)
        try:
            episode = services.open_episode(client, therapist=request.user, **fields)
        except services.EpisodeError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, "ipt.episode.created", episode, fields=form.changed_data)
            messages.success(request, _("Episode started. The initial-phase checklist is ready."))
            return redirect("ipt:episode", public_id=episode.public_id)
    context = {
        "form": form,
        "client": client,
        "variant_catalogue": list(variants.DEFINITIONS.values()),
    }
    return render(request, "ipt/episodes/start.html", context)


@requires(Capability.VIEW_CLINICAL)
def episode_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "ipt.episode.viewed", episode)
    # The checklist shows which tasks are done, not the notes written on them.
    tasks = {task.code: task for task in episode.tasks.defer("note")}
    definition = variants.of(episode)
    initial = [
        (definition.task_label(t), tasks.get(t.code)) for t in definition.all_initial_tasks()
    ]
    context = episode_context(
        request,
        episode,
        "overview",
        variant=definition,
        focus_labels=[
            definition.area_label(area) if area else ""
            for area in (episode.primary_problem_area, episode.secondary_problem_area)
        ],
        initial_tasks=initial,
        initial_done=sum(1 for _t, row in initial if row and row.done),
    )
    return render(request, "ipt/episodes/detail.html", context)
