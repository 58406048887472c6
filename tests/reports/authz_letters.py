"""Rows for letters: clinicians who read the episode see its letters; its therapist writes."""

import uuid
from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode, outcomes


def _consent(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "consent_id": uuid.uuid4()}


def _letter(cast: SimpleNamespace) -> dict[str, Any]:
    return {"letter_id": uuid.uuid4()}  # no such letter: 404 for everyone who may look


EXPECTED = {
    "reports:letters": Row(CLINICAL_READ, episode),
    "reports:consent_record": Row(POST_ONLY, episode),
    "reports:consent_withdraw": Row(POST_ONLY, _consent),
    # Filling a letter needs a kind and a consent: without them, back to the letters page.
    "reports:letter_write": Row(
        outcomes(default=302, supervisor=403, intake=403, admin=403, colleague=404, outsider=404),
        episode,
    ),
    "reports:letter_download": Row(outcomes(default=404, intake=403, admin=403), _letter),
    "reports:letter_send": Row(POST_ONLY, _letter),
    "reports:letter_link": Row(
        outcomes(anon=404, no2fa=404, default=404), lambda cast: {"token": "forged"}
    ),
}
