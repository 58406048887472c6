"""Rows of the note's risk record for the authorization matrix (issue 8 item 4).

The objects are cast.note (the therapist's draft) and an open alert on its client:
only the note's author writes from it; the supervisor reads the note but does not
write in it (403), intake and admin are refused (403), others never see it (404).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_WRITE, Row, note


def note_and_alert(cast: SimpleNamespace) -> dict[str, Any]:
    from tests.measures.alerts_helpers import raise_alert

    return {"public_id": cast.note.public_id, "alert_id": raise_alert(cast.client).public_id}


EXPECTED = {
    "ipt:note_alert_acknowledge": Row(CLINICAL_WRITE, note_and_alert),
    "ipt:note_safety_plan": Row(CLINICAL_WRITE, note),
}
