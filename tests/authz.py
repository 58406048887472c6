"""Shared vocabulary of the authorization matrix (tests/test_authorization_matrix.py).

Each feature keeps its rows in a module named ``authz_*.py`` beside its tests,
as ``EXPECTED = {url_name: Row(...)}``; the matrix test gathers them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

ROLES = ["anon", "no2fa", "therapist", "colleague", "supervisor", "intake", "admin", "outsider"]
LOGIN, TWO_FA = "login", "2fa"

Kwargs = Callable[[SimpleNamespace], dict[str, Any]]


def outcomes(anon: object = LOGIN, no2fa: object = TWO_FA, **by_role: object) -> dict:
    """Expected GET outcome per role; roles not named share ``default`` (200)."""
    default = by_role.pop("default", 200)
    return {"anon": anon, "no2fa": no2fa} | {r: by_role.get(r, default) for r in ROLES[2:]}


POST_ONLY = outcomes(anon=405, no2fa=405, default=405)
# Clinical pages of cast.client's episode: its therapist and the supervisor read;
# intake and admin are refused (403); colleague and outsider never see it (404).
CLINICAL_READ = outcomes(intake=403, admin=403, colleague=404, outsider=404)
CLINICAL_WRITE = outcomes(supervisor=403, intake=403, admin=403, colleague=404, outsider=404)


@dataclass(frozen=True)
class Row:
    expected: dict[str, object]
    kwargs: Kwargs = lambda cast: {}
    # Roles allowed to see the therapist's process note on this page (its author only).
    shows_process_note: frozenset[str] = field(default_factory=frozenset)


def episode(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id}


def note(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.note.public_id}
