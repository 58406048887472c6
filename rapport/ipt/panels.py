"""What the IPT app contributes to pages owned by lower apps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rapport.core import audit
from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.core.hooks import client_panel, dashboard_panel
from rapport.core.models import Role, Supervision
from rapport.ipt import catalogue
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import Contract, CosignReview, Episode, EpisodeTask, SessionNote
from rapport.ipt.models.episodes import SessionAttendance


@client_panel(order=100)
def episodes_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]]:
    episodes = list(client.episodes.select_related("therapist"))
    may_start = (
        type(client)
        .objects.visible_to(request.user, Capability.EDIT_CLINICAL)
        .filter(pk=client.pk)
        .exists()
    )
    return "ipt/panels/client_episodes.html", {
        "client": client,
        "episodes": episodes,
        "can_start": may_start and not any(e.status == Episode.Status.ACTIVE for e in episodes),
    }


# ---------------------------------------------------------------- the therapist's dashboard

SHOWN = 10
NEAR_END_SESSIONS = 3  # the last three sessions of the contract
NEAR_END_DAYS = 21


def with_session_counts(episodes: Any) -> Any:
    """Episodes with held and planned sessions counted in the same query.

    Subqueries, not per-episode calls to sessions_held()/current_contract, keep the
    dashboard at a fixed number of queries however large the caseload (DESIGN.md).
    """
    attended = (
        SessionNote.objects.filter(episode=OuterRef("pk"), attendance=SessionAttendance.ATTENDED)
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = Contract.objects.filter(episode=OuterRef("pk")).order_by("-version")
    initial_codes = [task.code for task in catalogue.INITIAL_TASKS]
    tasks_done = (
        EpisodeTask.objects.filter(episode=OuterRef("pk"), code__in=initial_codes, done=True)
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return episodes.annotate(
        held=Coalesce(Subquery(attended), 0),
        planned=Subquery(latest.values("planned_sessions")[:1]),
        expected_end=Subquery(latest.values("expected_end_on")[:1]),
        initial_done=Coalesce(Subquery(tasks_done), 0),
    )


def _my_active_episodes(user: Any) -> list[Episode]:
    """The user's active episodes, counted (see ``with_session_counts``), by client name."""
    episodes = without_encrypted(
        Episode.objects.visible_to(user, Capability.EDIT_CLINICAL).active(), "client"
    )
    return list(
        with_session_counts(episodes).order_by("client__family_name", "client__given_name", "pk")
    )


def _by_phase(episodes: list[Episode]) -> list[tuple[str, list[Episode]]]:
    """§1.2: each episode under the phase of its next session, in protocol order."""
    groups: dict[str, list[Episode]] = {phase: [] for phase in Phase.values}
    for episode in episodes:
        episode.next_phase = episode.phase_for_session(episode.held + 1, episode.planned)
        groups[episode.next_phase].append(episode)
    return [(Phase(phase).label, items) for phase, items in groups.items() if items]


def _nearing_end(episodes: list[Episode], today: date) -> list[Episode]:
    """Contracts in their last three sessions, or ending within three weeks."""
    soon = today + timedelta(days=NEAR_END_DAYS)
    return [
        episode
        for episode in episodes
        if (episode.planned and episode.held + 1 > episode.planned - NEAR_END_SESSIONS)
        or (episode.expected_end and episode.expected_end <= soon)
    ]


def _notes_to_finish(user: Any) -> tuple[list[SessionNote], int]:
    """My drafts; a note a supervisor returned is a draft again, flagged as returned."""
    last_review = CosignReview.objects.filter(note=OuterRef("pk")).order_by("-created_at", "-pk")
    drafts = (
        _listed_notes(user)
        .filter(status=SessionNote.Status.DRAFT)
        .annotate(last_decision=Subquery(last_review.values("decision")[:1]))
        .order_by("held_on", "pk")
    )
    return list(drafts[:SHOWN]), drafts.count()


def _listed_notes(user: Any) -> Any:
    """My notes as a list shows them: client name, number and date, no note text."""
    mine = SessionNote.objects.visible_to(user, Capability.EDIT_CLINICAL).filter(author=user)
    return without_encrypted(mine, "episode", "episode__client")


@dashboard_panel(order=110)
def therapist_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """What a therapist works on: phases, notes, endings (the week's sessions: today.py)."""
    user = request.user
    if Role.THERAPIST not in user.roles:
        return None
    today = timezone.localdate()
    episodes = _my_active_episodes(user)
    drafts, draft_count = _notes_to_finish(user)
    audit.record(request, "ipt.dashboard.viewed")
    return "ipt/panels/therapist.html", {
        "phases": _by_phase(episodes),
        "initial_total": len(catalogue.INITIAL_TASKS),
        "active_count": len(episodes),
        "nearing_end": _nearing_end(episodes, today),
        "drafts": drafts,
        "draft_count": draft_count,
        "returned": CosignReview.Decision.RETURNED,
        # Lists that grow with the caseload show their first SHOWN, with a link to all.
        "shown": SHOWN,
        "shown_slice": f":{SHOWN}",
    }


@dashboard_panel(order=120)
def cosign_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """For supervisors: trainees' signed notes waiting for their co-signature."""
    user = request.user
    if Role.SUPERVISOR not in user.roles:
        return None
    trainees = Supervision.objects.filter(supervisor=user, cosigns_notes=True).values(
        "supervisee_id"
    )
    awaiting = (
        SessionNote.objects.visible_to(user, Capability.COSIGN_NOTES)
        .filter(status=SessionNote.Status.AWAITING_COSIGN, author_id__in=trainees)
        .count()
    )
    try:
        queue_url = reverse("ipt:cosign_queue")
    except NoReverseMatch:  # the co-sign queue arrives with the notes feature
        queue_url = ""
    return "ipt/panels/cosign.html", {"awaiting": awaiting, "queue_url": queue_url}
