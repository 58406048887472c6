"""Authorization rows for the outcome charts' full-history pages (client-wide and episode)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, Row


def _client_and_code(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id, "code": "phq9"}


def _episode_and_code(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "code": "phq9"}


EXPECTED = {
    "measures:score_history": Row(CLINICAL_READ, _client_and_code),
    "ipt:measures_history": Row(CLINICAL_READ, _episode_and_code),
}
