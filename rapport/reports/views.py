"""Documents made from an episode: the episode summary as PDF."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt.views.base import get_episode
from rapport.reports import pdf, summary


@requires(Capability.VIEW_CLINICAL)
def episode_summary(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The episode summary, generated now, in one click (the episode's pages link it)."""
    episode = get_episode(request, public_id, allow_closed=True)
    made = summary.build(request, episode)
    content = pdf.render("reports/episode_summary.html", {"summary": made})
    audit.record(request, "reports.summary.generated", episode, fields=summary.PRINTED_FIELDS)
    day = timezone.localdate().isoformat()
    return pdf.download(content, f"episode-summary-{day}.pdf")
