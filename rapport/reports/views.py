"""Reports: the episode summary as PDF, and the supervisor's view of their supervisees."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt.views.base import get_episode
from rapport.reports import pdf, summary
from rapport.reports import supervision as supervision_overview


@requires(Capability.VIEW_CLINICAL)
def episode_summary(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The episode summary, generated now, in one click (the episode's pages link it)."""
    episode = get_episode(request, public_id, allow_closed=True)
    made = summary.build(request, episode)
    content = pdf.render("reports/episode_summary.html", {"summary": made})
    audit.record(request, "reports.summary.generated", episode, fields=summary.PRINTED_FIELDS)
    day = timezone.localdate().isoformat()
    return pdf.download(content, f"episode-summary-{day}.pdf")


@requires(Capability.COSIGN_NOTES)
def supervision(request: HttpRequest) -> HttpResponse:
    """The supervisor's view of each supervisee (supervisors only: the role table)."""
    people = supervision_overview.overview(request.user)
    audit.record(request, "reports.supervision.viewed", object_type="supervision")
    context = {"people": people, "listed": supervision_overview.LISTED}
    return render(request, "reports/supervision.html", context)
