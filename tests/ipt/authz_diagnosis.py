"""Rows for the episode's working diagnosis: clinicians read, the therapist records."""

import uuid
from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode


def _diagnosis(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "diagnosis_id": uuid.uuid4()}


EXPECTED = {
    "ipt:diagnosis": Row(CLINICAL_READ, episode),
    "ipt:diagnosis_record": Row(POST_ONLY, episode),
    "ipt:diagnosis_remove": Row(POST_ONLY, _diagnosis),
}
