"""Rows of the physical-observation pages (variants.md §5.5) for the authorization matrix.

cast.client's observations: its therapist reads and records, the supervisor reads,
intake and admin are refused (403), colleague and outsider never see them (404).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Row


def client(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id}


EXPECTED = {
    "measures:observations": Row(CLINICAL_READ, client),
    "measures:observation_new": Row(CLINICAL_WRITE, client),
}
