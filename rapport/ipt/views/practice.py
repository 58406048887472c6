"""Between-session practice, staff side (issue 11 item 5): assign it from a note, stop it,
and read the client's entries (the opening review on the next note, and a paged page).

Reading entries is reading clinical content: VIEW_CLINICAL through the access layer,
audited. Assigning and stopping are the therapist's (EDIT_CLINICAL).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import practice
from rapport.ipt.forms.practice import AssignPracticeForm
from rapport.ipt.models import Contract, PracticeAssignment, PracticeEntry, PracticeKind
from rapport.ipt.views.base import episode_context, get_episode
from rapport.ipt.views.notes import get_note
from rapport.measures import alert_sources
from rapport.measures.models import SafetyAlert

ENTRIES_PER_PAGE = 10
MOOD_SHOWN = 28  # the opening review's series: the latest four weeks of daily ratings
WORKSHEETS_SHOWN = 3  # worksheets a page in the opening review


@require_POST
@requires(Capability.EDIT_CLINICAL)
def practice_assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = get_note(request, public_id, Capability.EDIT_CLINICAL)
    episode = get_episode(request, note.episode.public_id, Capability.EDIT_CLINICAL)
    form = AssignPracticeForm(request.POST, prefix="practice")
    if not form.is_valid():
        # Shown again with what was typed, not lost behind a redirect.
        context = episode_context(request, episode, "notes", note=note, form=form)
        return render(request, "ipt/practice/assign.html", context)
    for kind in form.cleaned_data["kinds"]:
        assignment = practice.assign(note, kind, form.cleaned_data["instruction"], by=request.user)
        audit.record(request, "ipt.practice.assigned", assignment, fields=["kind", "instruction"])
    count = len(form.cleaned_data["kinds"])
    messages.success(
        request,
        ngettext(
            "Practice assigned: the client sees it in the portal.",
            "%(n)d practices assigned: the client sees them in the portal.",
            count,
        )
        % {"n": count},
    )
    return redirect(reverse("ipt:note", args=[note.public_id]) + "#practice-assign")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def practice_stop(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assignments = PracticeAssignment.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
    assignment = get_object_or_404(assignments.select_related("episode"), public_id=public_id)
    if practice.stop(assignment, by=request.user):
        audit.record(request, "ipt.practice.stopped", assignment, fields=["ended_at"])
        messages.success(request, _("Practice stopped. The client's entries are kept."))
    else:
        messages.info(request, _("This practice had already stopped."))
    return redirect("ipt:practice", public_id=assignment.episode.public_id)


@requires(Capability.VIEW_CLINICAL)
def practice_list(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every entry of the episode, newest first, a page at a time."""
    episode = get_episode(request, public_id, without_text=True)
    entries = PracticeEntry.objects.filter(episode=episode).order_by("-created_at", "-pk")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    current = list(episode.practice.current().select_related("note"))
    audit.record(request, "ipt.practice.viewed", episode)
    context = episode_context(
        request,
        episode,
        "notes",
        page=page,
        entries=[shown(entry) for entry in page.object_list],
        current=current,
    )
    return render(request, "ipt/practice/list.html", context)


def shown(entry: PracticeEntry) -> dict[str, Any]:
    """An entry with its questions beside the client's answers, in the worksheet's order."""
    answers = entry.answers or {}
    rows = [
        (question.label, answers[question.name])
        for question in practice.WORKSHEETS[entry.kind]
        if answers.get(question.name)
    ]
    return {"entry": entry, "rows": rows, "kind": PracticeKind(entry.kind).label}


def opening_review(request: HttpRequest, note: Any) -> dict[str, Any]:
    """The next note's review of the practice since the last session, windowed and paged.

    The same queries however long the course: the latest ``MOOD_SHOWN`` ratings of
    the window, and one page of its worksheets with their count.
    """
    start, end = practice.review_window(note)
    window = PracticeEntry.objects.filter(episode_id=note.episode_id).between(start, end)
    moods = list(window.filter(kind=PracticeKind.MOOD).order_by("-created_at")[:MOOD_SHOWN])
    moods.reverse()  # oldest first, as a series reads
    worksheets = window.exclude(kind=PracticeKind.MOOD).order_by("-created_at", "-pk")
    page = Paginator(worksheets, WORKSHEETS_SHOWN).get_page(request.GET.get("practice"))
    if moods or page.object_list:
        audit.record(request, "ipt.practice.reviewed", note)
    return {
        "contract_acknowledged": portal_acknowledgement(note, start, end),
        "window_start": start,
        "moods": [shown(entry) for entry in moods],
        "mood_points": mood_points(moods),
        "mood_width": len(moods) * 12,
        "worksheets": [shown(entry) for entry in page.object_list],
        "worksheet_page": page,
        "note": note,
    }


def portal_acknowledgement(note: Any, start: datetime, end: datetime | None) -> Any:
    """The contract version the client acknowledged in the portal within the window, if any:
    the next note tells the therapist, as it tells them of the practice."""
    contracts = Contract.objects.filter(
        episode_id=note.episode_id, portal_acknowledged_at__gte=start
    )
    if end is not None:
        contracts = contracts.filter(portal_acknowledged_at__lt=end)
    return contracts.only("version", "portal_acknowledged_at").order_by("-version").first()


def mood_points(moods: list[PracticeEntry]) -> list[dict[str, int]]:
    """Bars of a small SVG series: 12 units a day, 0–10 scaled to 50 units high."""
    return [
        {"x": index * 12, "height": entry.mood * 5, "y": 50 - entry.mood * 5}
        for index, entry in enumerate(moods)
        if entry.mood is not None
    ]


@alert_sources.source_link(SafetyAlert.Source.PRACTICE)
def practice_link(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    """The alert page points at the client's practice, for those who may read it."""
    episode_id = (
        PracticeEntry.objects.visible_to(user)
        .filter(public_id=alert.source_id)
        .values_list("episode__public_id", flat=True)
        .first()
    )
    if episode_id is None:
        return None
    url = reverse("ipt:practice", args=[episode_id])
    return url, _("Read the client's practice entries")
