"""Between-session practice in the portal (the client's own: a guardian gets 403; another
client's session 404 on one of this client's objects)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import Row, portal_outcomes


def assignment(cast: SimpleNamespace) -> Any:
    from rapport.ipt import practice
    from rapport.ipt.models import PracticeKind

    # Made afresh for each row: the HTML check undoes each row's objects afterwards.
    return practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)


def entry(cast: SimpleNamespace) -> Any:
    from rapport.ipt import practice

    return practice.record_entry(assignment(cast), mood=6, answers={}).entry


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
