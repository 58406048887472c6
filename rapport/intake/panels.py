"""The intake coordinator's dashboard panel: open requests, urgent ones first."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from rapport.core.access import Capability, can
from rapport.core.fields import without_encrypted
from rapport.core.hooks import dashboard_panel
from rapport.intake.models import ConsultationRequest

SHOWN = 5


@dashboard_panel(order=50)
def intake_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    if not can(request.user, Capability.ADD_CLIENT):
        return None
    # Open requests only (new ones are open too): the request_open_queue index serves
    # both, and settled requests, which pile up over the years, are never read.
    waiting = without_encrypted(ConsultationRequest.objects.visible_to(request.user).open())
    counts = waiting.aggregate(
        new=Count("pk", filter=Q(status=ConsultationRequest.Status.NEW)),
        urgent=Count("pk", filter=Q(urgent=True)),
    )
    newest = waiting.filter(status=ConsultationRequest.Status.NEW).order_by("-urgent", "created_at")
    return "intake/queue/panel.html", {"new_requests": newest[:SHOWN], **counts}
