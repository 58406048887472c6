"""Rows of the safety-alert pages for the authorization matrix.

The object is an open, not yet escalated critical alert on cast.client (the
therapist's client). The therapist and the supervisor read it in full; the clinic
admin sees that it exists (no clinical content); colleague and outsider never see
it (404). Only the therapist acknowledges before escalation.

Intake coordinators hold the alerts raised before a person is a client (a
self-screen with a consultation request): they open the alert list, where those
are, and a client's alert lies outside their reach (404, as for anyone out of
scope). The scope of clientless alerts is walked in tests/intake/test_self_screen.py.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import Row, outcomes


def alert(cast: SimpleNamespace) -> dict[str, Any]:
    from tests.measures.alerts_helpers import raise_alert

    return {"public_id": raise_alert(cast.client).public_id}


EXPECTED = {
    "measures:alerts": Row(outcomes()),
    "measures:alert": Row(outcomes(intake=404, colleague=404, outsider=404), alert),
    "measures:alert_acknowledge": Row(
        outcomes(supervisor=403, intake=404, admin=403, colleague=404, outsider=404), alert
    ),
}
