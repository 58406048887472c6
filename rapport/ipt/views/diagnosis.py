"""The episode's working diagnosis: current codes, their history, and recording a change."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import diagnoses
from rapport.ipt.forms.diagnosis import DiagnosisForm
from rapport.ipt.models import EpisodeDiagnosis
from rapport.ipt.views.base import episode_context, get_episode

HISTORY_SHOWN = 50  # a diagnosis changes a few times per episode; the page stays bounded


@requires(Capability.VIEW_CLINICAL)
def diagnosis(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "ipt.diagnosis.viewed", episode)
    query = request.GET.get("q", "").strip()[:100]
    found = diagnoses.search(query) if query else None
    return _page(request, episode, DiagnosisForm(found=found), query=query, found=found)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def diagnosis_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    form = DiagnosisForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, form, status=400)
    made = diagnoses.record(episode, by=request.user, request=request, **form.cleaned_data)
    messages.success(
        request,
        _("Diagnosis recorded: %(code)s %(title)s.") % {"code": made.code, "title": made.title},
    )
    return redirect("ipt:diagnosis", episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def diagnosis_remove(
    request: HttpRequest, public_id: uuid.UUID, diagnosis_id: uuid.UUID
) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    current = get_object_or_404(
        EpisodeDiagnosis.objects.current(), episode=episode, public_id=diagnosis_id
    )
    diagnoses.remove(current, by=request.user, reason="entered in error", request=request)
    messages.success(request, _("Diagnosis removed. It stays in the history below."))
    return redirect("ipt:diagnosis", episode.public_id)


def _page(
    request: HttpRequest,
    episode: object,
    form: DiagnosisForm,
    *,
    status: int = 200,
    query: str = "",
    found: list | None = None,
) -> HttpResponse:
    rows = EpisodeDiagnosis.objects.filter(episode=episode).select_related(
        "recorded_by", "replaced_by"
    )
    context = episode_context(
        request,
        episode,
        "diagnosis",
        form=form,
        current=list(rows.filter(replaced_at__isnull=True)),
        history=list(
            rows.filter(replaced_at__isnull=False).order_by("-replaced_at")[:HISTORY_SHOWN]
        ),
        query=query,
        found=found,
        code_system=f"{diagnoses.CODE_SYSTEM} {diagnoses.CODE_SYSTEM_VERSION}",
    )
    return render(request, "ipt/diagnosis/diagnosis.html", context, status=status)
