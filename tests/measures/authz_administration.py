"""Authorization rows for administration: schedule, links, in-session entry, responses."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, episode, outcomes


def _episode_and_code(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "code": "phq9"}


def _response(cast: SimpleNamespace) -> dict[str, Any]:
    """A PHQ-9 of cast.client's episode (made once per cast)."""
    if not hasattr(cast, "phq9_response"):
        from rapport.measures.models import Response
        from rapport.measures.services import record_response

        cast.phq9_response = record_response(
            client=cast.client,
            instrument_code="phq9",
            answers={f"q{n}": 0 for n in range(1, 10)},
            mode=Response.Mode.IN_SESSION,
            entered_by=cast.therapist,
            context_id=cast.episode.public_id,
            session_number=1,
        )
    return {"public_id": cast.phq9_response.public_id}


def _incomplete(cast: SimpleNamespace) -> dict[str, Any]:
    """An incomplete PHQ-9 (item 9 positive, item 4 unanswered) of cast.client's episode."""
    if not hasattr(cast, "incomplete_response"):
        from rapport.measures.models import Response
        from rapport.measures.services import record_response

        answers = {f"q{n}": 0 for n in range(1, 9) if n != 4} | {"q9": 1, "difficulty": 1}
        cast.incomplete_response = record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=answers,
            mode=Response.Mode.IN_SESSION,
            entered_by=cast.therapist,
            context_id=cast.episode.public_id,
            session_number=1,
            allow_incomplete=True,
        )
    return {"public_id": cast.episode.public_id, "response_id": cast.incomplete_response.public_id}


def _forged_token(cast: SimpleNamespace) -> dict[str, Any]:
    return {"token": "forged-token"}


# A forged public link: the same clear "link does not work" page (404) for everyone,
# signed in or not, never a login redirect.
EVERYONE_404 = outcomes(anon=404, no2fa=404, default=404)

EXPECTED = {
    "ipt:measures": Row(CLINICAL_READ, episode),
    "ipt:measures_schedule": Row(POST_ONLY, episode),
    "ipt:measures_schedule_defaults": Row(POST_ONLY, episode),
    "ipt:measures_schedule_remove": Row(POST_ONLY, _episode_and_code),
    "ipt:measures_invite": Row(POST_ONLY, episode),
    "ipt:measures_enter": Row(CLINICAL_WRITE, _episode_and_code),
    "ipt:measures_complete": Row(CLINICAL_WRITE, _incomplete),
    "measures:response": Row(CLINICAL_READ, _response),
    "measures:response_correct": Row(CLINICAL_WRITE, _response),
    "questionnaires:form": Row(EVERYONE_404, _forged_token),
}
