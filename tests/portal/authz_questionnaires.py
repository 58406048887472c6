"""Portal questionnaires, progress and after the course in the authorization matrix.

Every page is the client's own (``PORTAL_OWN``): a guardian is refused (403); a
page about one object of cast.client's answers another client 404. Staff sessions
are not portal sessions: they are sent to the portal's sign-in page. The staff acts
on self-checks take POST only.
"""

import uuid
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from tests.authz import POST_ONLY, Row, portal_outcomes

OWN = portal_outcomes(guardian=403)
ONE_OF_OWN = portal_outcomes(guardian=403, other=404)


def any_check(cast: SimpleNamespace) -> dict:
    return {"public_id": uuid.uuid4()}  # refused (405) before any lookup


def invitation(cast: SimpleNamespace) -> dict:
    from rapport.measures.invitations import new_token
    from rapport.measures.models import Invitation

    now = timezone.now()
    found = Invitation.objects.create(
        client=cast.client,
        context_id=cast.episode.public_id,
        session_number=2,
        instruments=["phq9"],
        token_hash=new_token()[1],
        status=Invitation.Status.SENT,
        send_at=now,
        sent_at=now,
        expires_at=now + timedelta(hours=72),
    )
    return {"public_id": found.public_id}


def self_check(cast: SimpleNamespace) -> dict:
    from rapport.measures.models import Response, SelfCheck
    from rapport.measures.services import record_response

    answers = {f"q{n}": 0 for n in range(1, 10)}
    response = record_response(
        client=cast.client, instrument_code="phq9", answers=answers, mode=Response.Mode.PORTAL
    )
    check = SelfCheck.objects.create(
        client=cast.client, response=response, created_at=timezone.now()
    )
    return {"public_id": check.public_id}


EXPECTED = {
    "portal:questionnaires": Row(OWN),
    "portal:questionnaire": Row(ONE_OF_OWN, invitation),
    "portal:questionnaire_done": Row(ONE_OF_OWN, invitation),
    "portal:progress": Row(OWN),
    "portal:after_course": Row(OWN),
    # During the course (cast.client's episode is open) the check-in sends back.
    "portal:self_check": Row(portal_outcomes(client=302, guardian=403)),
    "portal:self_check_result": Row(ONE_OF_OWN, self_check),
    "portal:booster_request": Row(POST_ONLY, any_check),
    "measures:self_check_seen": Row(POST_ONLY, any_check),
    "measures:booster_handled": Row(POST_ONLY, any_check),
}
