"""Portal appointments in the authorization matrix: the client and a guardian reach
cast.client's appointments; another client's session finds none of them (404);
staff and strangers are sent to the portal's sign-in page."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment
from tests.authz import POST_ONLY, Row, portal_outcomes

FUTURE = dt.datetime(2030, 3, 5, 15, tzinfo=dt.UTC)


def appointment(cast: SimpleNamespace) -> dict[str, Any]:
    found = book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.client,
        starts_at=FUTURE,
        ends_at=FUTURE + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
    )
    return {"public_id": found.public_id}


EXPECTED = {
    "portal:appointments": Row(portal_outcomes()),
    "portal:appointment_ics": Row(portal_outcomes(other=404), appointment),
    "portal:appointment_confirm": Row(POST_ONLY, appointment),
    "portal:appointment_cancel": Row(portal_outcomes(other=404), appointment),
    "portal:appointment_reschedule": Row(portal_outcomes(other=404), appointment),
    "scheduling:reschedule_request_handled": Row(
        POST_ONLY, lambda cast: {"public_id": "00000000-0000-4000-8000-000000000000"}
    ),
}
