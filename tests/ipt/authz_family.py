"""Rows for the family work of an episode: the parent-contact log and the portal link."""

import uuid
from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode


def _participant(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "participant_id": uuid.uuid4()}


EXPECTED = {
    "ipt:caregiver_contacts": Row(CLINICAL_READ, episode),
    "ipt:participant_portal": Row(POST_ONLY, _participant),
}
