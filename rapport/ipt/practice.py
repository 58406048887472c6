"""Between-session practice (issue 11 item 5): assign from a note, record entries, review.

The therapist assigns practice from a session note; the client's entries come in
through the portal (``record_entry``) and appear in the next note's opening review
(``review_window``). A very low mood rating or words from the clinic's risk-phrase
list raise a safety alert through measures' one workflow (safety.md §5.1) in the
same transaction as the entry: the client is shown crisis resources by the page
that confirms the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import User
from rapport.ipt.models import PracticeAssignment, PracticeEntry, PracticeKind, SessionNote
from rapport.measures import alert_sources, risk_phrases, safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import SafetyAlert

# A rating of 0 or 1 (0 = worst) raises an alert ([GK] design: issue 11 item 5).
MOOD_RISK_AT_MOST = 1
MOOD_SEVERITY = Severity.URGENT  # "review today", as PHQ-9 item 9 = 1 (safety.md §5.1 step 2)
# Words that plainly speak of suicide or self-harm: "immediate" ([GK], for clinical review).
PHRASE_SEVERITY = Severity.CRITICAL
LONGEST_ANSWER = 4000


@dataclass(frozen=True)
class Question:
    name: str
    label: Any
    required: bool = True


# What each kind of practice asks, in the client's words (ipt-protocol.md: communication
# analysis is a detailed re-creation of a recent affectively charged interaction).
WORKSHEETS: dict[str, tuple[Question, ...]] = {
    PracticeKind.MOOD: (
        Question(
            "event",
            _("Anything that happened with someone today that affected your mood?"),
            required=False,
        ),
    ),
    PracticeKind.COMMUNICATION: (
        Question("happened", _("What happened?")),
        Question("said", _("What did I say?")),
        Question("meant", _("What did I mean?")),
        Question("heard", _("What did they hear?")),
        Question("felt", _("How did I feel?")),
        Question("next_time", _("What else could I say next time?")),
    ),
    PracticeKind.ROLE_PLAY: (
        Question("person", _("Who is the conversation with?")),
        Question("want", _("What do I want from it?")),
        Question("opening", _("How will I start?")),
        Question("reply", _("What might they say?")),
        Question("answer", _("How could I answer?")),
    ),
}


class PracticeError(ValueError):
    """The practice cannot take this (stopped meanwhile, or a bad value)."""


def assign(note: SessionNote, kind: str, instruction: str, *, by: User) -> PracticeAssignment:
    """Assign a kind of practice from a note; it replaces the current one of that kind."""
    now = timezone.now()
    with transaction.atomic():
        PracticeAssignment.objects.filter(
            episode=note.episode, kind=kind, ended_at__isnull=True
        ).update(ended_at=now, ended_by=by)
        return PracticeAssignment.objects.create(
            episode=note.episode,
            note=note,
            kind=kind,
            instruction=instruction,
            assigned_by=by,
            assigned_at=now,
        )


def stop(assignment: PracticeAssignment, *, by: User) -> bool:
    """End a current practice (its entries stay); False if it had already ended."""
    done = PracticeAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by
    )
    return bool(done)


@dataclass(frozen=True)
class Recorded:
    entry: PracticeEntry
    alerts: list[SafetyAlert]


def record_entry(
    assignment: PracticeAssignment, *, mood: int | None, answers: dict[str, str]
) -> Recorded:
    """Store the client's entry and raise any safety alert it calls for, together."""
    kind = assignment.kind
    if kind == PracticeKind.MOOD and (mood is None or not 0 <= mood <= 10):
        raise PracticeError("a mood entry needs a rating from 0 to 10")
    names = {question.name for question in WORKSHEETS[kind]}
    kept = {name: text.strip() for name, text in answers.items() if name in names and text.strip()}
    phrases = safety.clinic_settings(assignment.clinic).risk_phrases or []
    matched = risk_phrases.matches("\n".join(kept.values()), phrases)
    low_mood = mood is not None and mood <= MOOD_RISK_AT_MOST
    with transaction.atomic():
        current = PracticeAssignment.objects.select_for_update().get(pk=assignment.pk)
        if current.ended_at is not None:
            raise PracticeError("this practice has been stopped")
        entry = PracticeEntry.objects.create(
            episode_id=assignment.episode_id,
            assignment=assignment,
            kind=kind,
            mood=mood if kind == PracticeKind.MOOD else None,
            answers=kept,
            created_at=timezone.now(),
            alerted=low_mood or bool(matched),
        )
        client = assignment.episode.client
        alerts = []
        if low_mood:
            alerts.append(_raise(client, entry, alert_sources.MOOD, mood, MOOD_SEVERITY))
        if matched:
            alerts.append(_raise(client, entry, alert_sources.PHRASE, 0, PHRASE_SEVERITY))
    return Recorded(entry, alerts)


def _raise(client: Any, entry: PracticeEntry, item: str, value: int, severity: str) -> Any:
    return safety.raise_from_source(
        client,
        SafetyAlert.Source.PRACTICE,
        entry.public_id,
        item=item,
        value=value,
        severity=severity,
    )


def review_window(note: SessionNote) -> tuple[datetime, datetime | None]:
    """The entries a note's opening review shows: since the previous session's day began,
    until this session's day ends (no end while this is the latest note).

    Session notes carry a date, not a time, so an entry written on the day of the
    previous session shows in both reviews rather than in neither.
    """
    zone = note.episode.client.clinic.zone  # loaded with the note (views.notes.get_note)
    # Note numbers run on without gaps: the neighbours are number - 1 and number + 1.
    neighbours = dict(
        SessionNote.objects.filter(
            episode_id=note.episode_id, number__in=(note.number - 1, note.number + 1)
        ).values_list("number", "held_on")
    )
    start_day = neighbours.get(note.number - 1) or note.held_on - timedelta(days=14)
    start = datetime.combine(start_day, time.min, tzinfo=zone)
    end = None
    if note.number + 1 in neighbours:
        end = datetime.combine(note.held_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def mood_days_done(assignment: PracticeAssignment, today: Any) -> bool:
    """Whether today's mood rating is in (the home page's to-do list asks once a day)."""
    zone = assignment.clinic.zone
    start = datetime.combine(today, time.min, tzinfo=zone)
    return assignment.entries.filter(created_at__gte=start).exists()
