"""Rows of the safety-alert pages for the authorization matrix.

The object is an open, not yet escalated critical alert on cast.client (the
therapist's client). The therapist and the supervisor read it in full; the clinic
admin sees that it exists (no clinical content); intake is refused (403);
colleague and outsider never see it (404). Only the therapist acknowledges
before escalation.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import Row, outcomes


def alert(cast: SimpleNamespace) -> dict[str, Any]:
    from tests.measures.alerts_helpers import raise_alert

    return {"public_id": raise_alert(cast.client).public_id}


EXPECTED = {
    "measures:alerts": Row(outcomes(intake=403)),
    "measures:alert": Row(outcomes(intake=403, colleague=404, outsider=404), alert),
    "measures:alert_acknowledge": Row(
        outcomes(supervisor=403, intake=403, admin=403, colleague=404, outsider=404), alert
    ),
}
