"""Shared set-up for the session-notes tests: a contract and earlier sessions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from rapport.ipt.models import Contract, SessionNote
from tests.factories import make_note


def contract(episode: Any, planned: int = 12) -> Contract:
    return Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=planned,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 12, 1),
        created_by=episode.therapist,
    )


def held_sessions(episode: Any, upto: int, start: int = 1, **fields: Any) -> list[SessionNote]:
    """Signed, attended notes ``start``..``upto`` (the sessions before the one under test)."""
    return [
        make_note(
            episode,
            number,
            phase=episode.phase_for_session(number, 12),
            status=SessionNote.Status.SIGNED,
            suicidality=SessionNote.Suicidality.NONE,
            **fields,
        )
        for number in range(start, upto + 1)
    ]


def note_form(note: SessionNote, **changes: Any) -> dict[str, Any]:
    """The note's fields as its page would post them, with ``changes``."""
    data: dict[str, Any] = {
        "version": note.version,
        "held_on": note.held_on.isoformat(),
        "attendance": note.attendance,
        "mood_rating": "" if note.mood_rating is None else note.mood_rating,
        "symptom_review": note.symptom_review,
        "suicidality": note.suicidality,
        "suicidality_detail": note.suicidality_detail,
        "interval_events": note.interval_events,
        "problem_area_work": note.problem_area_work,
        "techniques": list(note.techniques),
        "dispute_stage": note.dispute_stage,
        "between_session_plan": note.between_session_plan,
    }
    data.update(changes)
    return data


def url(name: str, obj: Any) -> str:
    return reverse(name, args=[obj.public_id])
