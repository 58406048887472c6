"""A course of PHQ-9 scores before a session note, recorded through the real service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from rapport.ipt.models import SessionNote
from rapport.measures.models import Response
from rapport.measures.services import record_response
from tests.factories import make_note
from tests.ipt.notes_helpers import held_sessions

FIRST_SESSION = date(2026, 9, 1)


def session_day(number: int) -> date:
    """Weekly sessions from the first."""
    return FIRST_SESSION + timedelta(weeks=number - 1)


def phq9_scoring(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` with item 9 at 0 (no safety alert)."""
    assert 0 <= total <= 24
    values = [min(3, max(0, total - 3 * n)) for n in range(8)]
    answers = {f"q{n}": value for n, value in enumerate(values, start=1)} | {"q9": 0}
    return answers | ({"difficulty": 1} if total else {})


def record_phq9(
    cast: SimpleNamespace, total: int, *, session: int | None = None, on: date | None = None
) -> Response:
    """Through the real service, so the not-on-track rule runs as it does in the clinic.

    With ``session``: entered in that session, on its day. Without: a remote
    questionnaire with no session number, submitted ``on`` a day, else now.
    """
    day = on or (session_day(session) if session else None)
    return record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=phq9_scoring(total),
        mode=Response.Mode.IN_SESSION if session else Response.Mode.REMOTE,
        entered_by=cast.therapist if session else None,
        context_id=cast.episode.public_id,
        session_number=session,
        submitted_at=datetime.combine(day, time(14), UTC) if day else None,
    )


def course(cast: SimpleNamespace, totals: list[int]) -> SessionNote:
    """Sessions 1..n-1 signed, session n's note a draft; one PHQ-9 before each session."""
    count = len(totals)
    SessionNote.objects.filter(pk=cast.note.pk).update(
        status=SessionNote.Status.SIGNED, suicidality=SessionNote.Suicidality.NONE
    )
    held_sessions(cast.episode, count - 1, start=2)
    for number, total in enumerate(totals, start=1):
        record_phq9(cast, total, session=number)
    return make_note(
        cast.episode,
        count,
        held_on=session_day(count),
        phase=cast.episode.phase_for_session(count, 12),
    )
