"""Portal questionnaires, progress and after the course in the authorization matrix.

Staff sessions are not portal sessions: every staff role is sent to the portal's
sign-in page. The staff acts on self-checks take POST only.
"""

import uuid

from tests.authz import POST_ONLY, Row


def any_check(cast: object) -> dict:
    return {"public_id": uuid.uuid4()}  # refused (405) before any lookup


EXPECTED = {
    "measures:self_check_seen": Row(POST_ONLY, any_check),
    "measures:booster_handled": Row(POST_ONLY, any_check),
}
