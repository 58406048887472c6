"""A long course of treatment, bulk-inserted: hundreds of signed notes and scores.

Every encrypted column is filled (and really encrypted by the field), so a page
that decrypts something it does not show is caught by its decrypt count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rapport.ipt.catalogue import Technique
from rapport.ipt.models import FidelityRating, SessionNote
from rapport.measures.models import Response

FIRST_DAY = date(2020, 1, 6)
TEXT = "Session text that only the note page itself should ever decrypt."


def day_of(number: int) -> date:
    """Weekly sessions from the first."""
    return FIRST_DAY + timedelta(weeks=number - 1)


def add_sessions(episode: Any, numbers: range) -> list[SessionNote]:
    """Signed, attended, self-rated notes with every text field written."""
    notes = SessionNote.objects.bulk_create(
        SessionNote(
            episode=episode,
            author=episode.therapist,
            number=number,
            held_on=day_of(number),
            phase=episode.phase_for_session(number, None),
            status=SessionNote.Status.SIGNED,
            signed_at=datetime.combine(day_of(number), time(17), UTC),
            signed_by=episode.therapist,
            suicidality=SessionNote.Suicidality.NONE,
            techniques=[Technique.CLARIFICATION, Technique.ROLE_PLAY][: 1 + number % 2],
            symptom_review=TEXT,
            suicidality_detail=TEXT,
            interval_events=TEXT,
            problem_area_work=TEXT,
            between_session_plan=TEXT,
            open_alerts_reason=TEXT,
            signed_snapshot='{"format": 1, "measures": [], "flags": []}',
        )
        for number in numbers
    )
    FidelityRating.objects.bulk_create(
        FidelityRating(note=note, in_phase="yes", on_focus="partly", comment=TEXT) for note in notes
    )
    return notes


def add_scores(episode: Any, numbers: range) -> None:
    """A PHQ-9 and a GAD-7 for each session; every fifth PHQ-9 corrected, with a reason."""
    client = episode.client
    rows = []
    for number in numbers:
        when = datetime.combine(day_of(number), time(9), UTC)
        for code, total, band in (("phq9", 5 + number % 15, "mild"), ("gad7", number % 21, "")):
            rows.append(_response(client, episode, number, code, total, band, when))
    created = Response.objects.bulk_create(rows)
    corrections = [
        _response(
            client,
            episode,
            original.session_number,
            "phq9",
            original.total - 1,
            original.band,
            original.submitted_at + timedelta(minutes=5),
            corrects=original,
            correction_reason=TEXT,
        )
        for original in created
        if original.instrument == "phq9" and original.session_number % 5 == 0
    ]
    Response.objects.bulk_create(corrections)


def _response(
    client: Any, episode: Any, number: int, code: str, total: int, band: str, when: datetime, **more
) -> Response:
    return Response(
        clinic=client.clinic,
        client=client,
        context_id=episode.public_id,
        session_number=number,
        instrument=code,
        instrument_version="1",
        answers={},
        total=total,
        band=band,
        mode=Response.Mode.IN_SESSION,
        submitted_at=when,
        **more,
    )
