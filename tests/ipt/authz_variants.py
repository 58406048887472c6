"""Rows for the episode's manual and its participants: clinicians read, the therapist writes."""

import uuid
from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode, note


def _participant(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "participant_id": uuid.uuid4()}


def _consent(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "consent_id": uuid.uuid4()}


EXPECTED = {
    "ipt:variant": Row(CLINICAL_READ, episode),
    "ipt:variant_change": Row(POST_ONLY, episode),
    "ipt:participants": Row(CLINICAL_READ, episode),
    "ipt:participant_add": Row(POST_ONLY, episode),
    "ipt:participant_remove": Row(POST_ONLY, _participant),
    "ipt:consent_add": Row(POST_ONLY, episode),
    "ipt:consent_withdraw": Row(POST_ONLY, _consent),
    "ipt:confidentiality_record": Row(POST_ONLY, episode),
    "ipt:note_attendance": Row(CLINICAL_READ, note),
}
