"""Rows of the intake queue for the authorization matrix.

Requests are contact data of people not yet clients: intake coordinators and
admins of the clinic (ADD_CLIENT); every other role is refused (403).
"""

from types import SimpleNamespace
from typing import Any

from tests.authz import POST_ONLY, Row, outcomes
from tests.intake.queue_helpers import make_request

COORDINATORS = outcomes(default=403, intake=200, admin=200)


def request(cast: SimpleNamespace) -> dict[str, Any]:
    if not hasattr(cast, "consultation_request"):
        cast.consultation_request = make_request(cast.clinic)
    return {"public_id": cast.consultation_request.public_id}


EXPECTED = {
    "intake:queue": Row(COORDINATORS),
    "intake:waitlist": Row(COORDINATORS),
    "intake:request": Row(COORDINATORS, request),
    "intake:request_notes": Row(COORDINATORS, request),
    "intake:convert": Row(COORDINATORS, request),
    "intake:book": Row(COORDINATORS, request),
    "intake:attempt_add": Row(POST_ONLY, request),
    "intake:status_change": Row(POST_ONLY, request),
    "intake:confirm_slot": Row(POST_ONLY, request),
    "intake:waitlist_add": Row(POST_ONLY, request),
    "intake:waitlist_remove": Row(POST_ONLY, request),
}
