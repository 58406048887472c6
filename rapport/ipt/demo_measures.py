"""The demo clinic's questionnaire scores (issue 4 item 7), after the IPT demo's episodes.

Every score goes through ``measures.services.record_response``, so the safety
alert and the not-on-track flags come from the real rules, not from fixtures.
Answers follow a fixed pattern (a total spread evenly over the items), so every
total — and every flag — is deterministic. The trajectories, per demo client:

* responders: Casey Sample (remission), Riley Placeholder (response), Morgan Madeup
  (completed course, remission);
* a late responder: Harper Testperson — little change until session 6, then
  improves (flagged at sessions 4–5, the flag retired at session 6: §3.1 caution);
* a non-responder flagged not-on-track: Jordan Example, whose latest PHQ-9 answers
  item 9 with "more than half the days" — the one open critical alert;
* a deteriorating course: Sky Specimen (reliable deterioration on both measures);
* too early to judge (fewer than 3 scores or before session 4): Taylor Fictional,
  Quinn Imaginary, Jamie Invented.

Lives in ipt because it needs episodes and session dates (measures never imports ipt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.core.models import Clinic
from rapport.ipt import note_measures
from rapport.ipt.catalogue import EpisodeType
from rapport.ipt.models import Episode, SessionNote, TimelineEvent
from rapport.measures import services
from rapport.measures.models import Response

PHQ9_ITEMS = [f"q{n}" for n in range(1, 10)]
GAD7_ITEMS = [f"q{n}" for n in range(1, 8)]


@dataclass(frozen=True)
class Trajectory:
    client: str  # "Given Family", as in clients.demo.CLIENTS
    phq9: list[int]  # one total per session, session 1 first
    gad7: list[int]
    item9_at: dict[int, int] = field(default_factory=dict)  # session → item 9 answer
    events: list[tuple[float, str]] = field(default_factory=list)  # (session, title)


TRAJECTORIES = [
    Trajectory(
        "Casey Sample", [17, 16, 14, 12, 10, 9, 7, 6, 5, 4], [12, 11, 9, 8, 7, 6, 5, 4, 4, 3]
    ),
    Trajectory("Riley Placeholder", [19, 18, 15, 13, 12, 10, 9, 8], [13, 12, 10, 9, 8, 8, 7, 6]),
    Trajectory(
        "Morgan Madeup",
        [16, 15, 13, 11, 10, 8, 7, 6, 5, 4, 3, 3],
        [10, 10, 9, 7, 7, 6, 5, 4, 4, 3, 3, 2],
    ),
    Trajectory(
        "Harper Testperson",
        [16, 16, 15, 15, 14, 11, 8, 6],
        [10, 10, 10, 9, 9, 7, 6, 5],
        events=[(5.5, "Joined a local parents' group (demo)")],
    ),
    Trajectory(
        "Jordan Example",
        [15, 15, 16, 15, 14, 15, 16],
        [11, 11, 12, 11, 10, 11, 11],
        item9_at={7: 2},  # safety.md §5.1: item 9 ≥ 2 is critical
        events=[(4.5, "Old friend D. cancelled a planned visit (demo)")],
    ),
    Trajectory(
        "Sky Specimen",
        [12, 13, 15, 17, 19],
        [9, 10, 11, 13, 14],
        events=[(3.5, "Flatmate gave notice; argument about the deposit (demo)")],
    ),
    Trajectory("Taylor Fictional", [14, 13], [9, 9]),
    Trajectory("Quinn Imaginary", [18, 17], [12, 12]),
    Trajectory("Jamie Invented", [17, 16, 15], [10, 9, 9]),
]


def answers(items: list[str], total: int, fixed: dict[str, int] | None = None) -> dict[str, int]:
    """``total`` spread as evenly as possible over the items not ``fixed`` (earlier ones higher)."""
    fixed = fixed or {}
    free = [key for key in items if key not in fixed]
    rest = total - sum(fixed.values())
    base, extra = divmod(rest, len(free))
    if rest < 0 or base + (extra > 0) > 3:
        raise ValueError(f"total {total} does not fit the items")
    spread = {key: base + (n < extra) for n, key in enumerate(free)}
    return {key: fixed.get(key, spread.get(key, 0)) for key in items}


def phq9_answers(total: int, item9: int = 0) -> dict[str, int]:
    values = answers(PHQ9_ITEMS, total, {"q9": item9})
    if total > 0:  # §2.2: the difficulty item is required whenever the total is > 0
        values["difficulty"] = 1
    return values


@demo_loader(order=300)
def load(clinic: Clinic, staff: dict[str, Any] | None = None) -> None:
    if Response.objects.filter(client__clinic=clinic).exists():
        return  # loads once, like the other demo loaders
    for trajectory in TRAJECTORIES:
        _load(clinic, trajectory)
    _snapshot_signed_notes(clinic)


def _snapshot_signed_notes(clinic: Clinic) -> None:
    """Signed demo notes show what was true on their session day, as if signed then."""
    locked = SessionNote.objects.filter(episode__client__clinic=clinic).exclude(
        status=SessionNote.Status.DRAFT
    )
    for note in locked.select_related("episode__client__clinic"):
        note.signed_snapshot = note_measures.snapshot_as_recorded(note)
        note.save(update_fields=["signed_snapshot"])


def _episode(clinic: Clinic, name: str) -> Episode:
    given, family = name.split(" ", 1)
    client = Client.objects.get(clinic=clinic, given_name=given, family_name=family)
    return (
        Episode.objects.filter(client=client)
        .exclude(episode_type=EpisodeType.MAINTENANCE)
        .order_by("started_on")
        .first()
    )


def _load(clinic: Clinic, trajectory: Trajectory) -> None:
    episode = _episode(clinic, trajectory.client)
    for offset, title in trajectory.events:
        TimelineEvent.objects.create(
            episode=episode,
            occurred_on=episode.started_on + timedelta(weeks=offset - 1),
            title=title,
            mood=TimelineEvent.Mood.WORSE,
        )
    common = {
        "client": episode.client,
        "mode": Response.Mode.IN_SESSION,
        "entered_by": episode.therapist,
        "context_id": episode.public_id,
    }
    for session, (phq9, gad7) in enumerate(
        zip(trajectory.phq9, trajectory.gad7, strict=True), start=1
    ):
        item9 = trajectory.item9_at.get(session, 0)
        # Answered the morning of each weekly session (the demo's notes are weekly too).
        answered = timezone.make_aware(
            datetime.combine(episode.started_on + timedelta(weeks=session - 1), time(9, 0))
        )
        common["submitted_at"] = min(answered, timezone.now())
        services.record_response(
            instrument_code="phq9",
            answers=phq9_answers(phq9, item9),
            session_number=session,
            **common,
        )
        services.record_response(
            instrument_code="gad7",
            answers=answers(GAD7_ITEMS, gad7),
            session_number=session,
            **common,
        )
