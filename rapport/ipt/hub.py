"""The current IPT episode in the client record's header (one query, any history)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.clients.hub import header_part
from rapport.core.access import Capability
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import Episode
from rapport.ipt.panels import with_session_counts

# What the header shows and phase_for_session() reads: no encrypted column.
SHOWN = (
    "public_id",
    "client_id",
    "episode_type",
    "status",
    "started_on",
    "initial_phase_sessions",
    "termination_phase_sessions",
)


@header_part(order=10)
def episode_header(request: HttpRequest, client: Any, clinical: bool) -> tuple[str, dict[str, Any]]:
    """Everyone who sees the client sees that a course runs (intake books its sessions);
    its phase and session count are clinical, shown to those who read the record."""
    current = (
        Episode.objects.visible_to(request.user, Capability.VIEW_CLIENTS)
        .filter(client=client)
        .active()
        .select_related(None)  # nothing related, so nothing encrypted is opened
        .only(*SHOWN)
        .order_by("-started_on", "-pk")
    )
    episode = (with_session_counts(current) if clinical else current).first()
    context: dict[str, Any] = {"episode": episode, "clinical": clinical}
    if episode is not None and clinical:
        number = episode.held + 1  # the next session, as the dashboard counts it
        context.update(
            session=number,
            planned=episode.planned,
            complete=bool(episode.planned) and episode.held >= episode.planned,
            phase=Phase(episode.phase_for_session(number, episode.planned)).label,
        )
    return "ipt/hub/episode.html", context
