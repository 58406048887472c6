"""Between-session practice in the portal (issue 11 item 5): what the therapist assigned,
writing an entry, and the confirmation that shows crisis resources when it calls for them.

The client's own (PORTAL_OWN): a guardian gets 403. Every read and write of entries
is audited; entries are encrypted (ipt.models.practice).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core import audit
from rapport.core.access import Capability
from rapport.ipt import practice
from rapport.ipt.models import PracticeAssignment, PracticeEntry, PracticeKind
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import DueItem, due_source
from rapport.portal.forms_practice import PracticeEntryForm

OWN = Capability.PORTAL_OWN
ENTRIES_PER_PAGE = 10
WRITE_LABEL = {
    PracticeKind.MOOD: gettext_lazy("Rate your mood today"),
    PracticeKind.COMMUNICATION: gettext_lazy("Fill in a communication analysis"),
    PracticeKind.ROLE_PLAY: gettext_lazy("Prepare a conversation"),
}


def _assignments(request: HttpRequest) -> Any:
    return PracticeAssignment.objects.visible_to(request.user, OWN)


@portal_view(OWN)
def practice_home(request: HttpRequest) -> HttpResponse:
    portal_client(request, OWN)
    current = list(_assignments(request).current().order_by("kind"))
    entries = PracticeEntry.objects.visible_to(request.user, OWN).order_by("-created_at", "-pk")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    audit.record(request, "portal.practice.viewed", request.portal_account)
    context = {
        "current": [(a, str(WRITE_LABEL[a.kind])) for a in current],
        "page": page,
        "entries": [_shown(entry) for entry in page.object_list],
    }
    return render(request, "portal/practice/home.html", context)


@portal_view(OWN)
def practice_write(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    assignment = get_object_or_404(
        _assignments(request).select_related("episode__client__clinic"), public_id=public_id
    )
    form = PracticeEntryForm(assignment.kind, request.POST or None)
    if assignment.ended_at is not None:
        return _stopped(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = practice.record_entry(
                assignment, mood=form.cleaned_data.get("mood"), answers=form.answers()
            )
        except practice.PracticeError:
            return _stopped(request, form)
        audit.record(
            request, "portal.practice.entry_written", recorded.entry, fields=["mood", "answers"]
        )
        messages.success(
            request, _("Saved. Your therapist will go through it with you at your next session.")
        )
        return redirect("portal:practice_entry", public_id=recorded.entry.public_id)
    context = {
        "assignment": assignment,
        "form": form,
        "title": WRITE_LABEL[assignment.kind],
    }
    return render(request, "portal/practice/write.html", context)


def _stopped(request: HttpRequest, form: PracticeEntryForm) -> HttpResponse:
    """Replaced or stopped meanwhile: what the client typed is shown back, not dropped."""
    typed = (
        [(field.label, field.value()) for field in form if field.value()] if form.is_bound else []
    )
    return render(request, "portal/practice/stopped.html", {"typed": typed})


@portal_view(OWN)
def practice_entry(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The confirmation and the entry: crisis resources first when it raised an alert."""
    entry = get_object_or_404(
        PracticeEntry.objects.visible_to(request.user, OWN), public_id=public_id
    )
    audit.record(request, "portal.practice.entry_viewed", entry)
    context = {"item": _shown(entry)}
    return render(request, "portal/practice/entry.html", context)


def _shown(entry: PracticeEntry) -> dict[str, Any]:
    answers = entry.answers or {}
    rows = [
        (q.label, answers[q.name]) for q in practice.WORKSHEETS[entry.kind] if answers.get(q.name)
    ]
    return {"entry": entry, "rows": rows, "kind": PracticeKind(entry.kind).label}


@due_source(guardian=False)
def practice_due(request: HttpRequest, client: Any) -> list[DueItem]:
    """Today's mood rating if not yet given; worksheets with no entry since they were assigned."""
    items = []
    current = _assignments(request).current().order_by("kind")
    for assignment in current:
        if assignment.kind == PracticeKind.MOOD:
            if practice.mood_days_done(assignment, timezone.localdate()):
                continue
        elif assignment.entries.exists():
            continue
        url = reverse("portal:practice_write", args=[assignment.public_id])
        items.append(DueItem(str(WRITE_LABEL[assignment.kind]), url, "practice"))
    return items
