"""Between-session practice in the portal (the client's own: a guardian gets 403; another
client's session 404 on one of this client's objects)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import Row, portal_outcomes


def assignment(cast: SimpleNamespace) -> Any:
    from rapport.ipt import practice
    from rapport.ipt.models import PracticeKind

    if not hasattr(cast, "mood_practice"):
        cast.mood_practice = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    return cast.mood_practice


def entry(cast: SimpleNamespace) -> Any:
    from rapport.ipt import practice

    if not hasattr(cast, "mood_entry"):
        cast.mood_entry = practice.record_entry(assignment(cast), mood=6, answers={}).entry
    return cast.mood_entry


EXPECTED = {
    "portal:practice": Row(portal_outcomes(guardian=403)),
    "portal:practice_write": Row(
        portal_outcomes(guardian=403, other=404),
        lambda cast: {"public_id": assignment(cast).public_id},
    ),
    "portal:practice_entry": Row(
        portal_outcomes(guardian=403, other=404),
        lambda cast: {"public_id": entry(cast).public_id},
    ),
}
