"""Staff pages about a client's portal access: who may edit the client's details
(the therapist, intake, admins) manages their portal access; portal sessions never."""

from types import SimpleNamespace
from typing import Any

from tests.authz import POST_ONLY, Row, outcomes, portal_account


def client(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id}


def account(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": portal_account("guardian", cast).public_id}


EXPECTED = {
    "portal:staff_guardian_add": Row(outcomes(supervisor=403, colleague=404, outsider=404), client),
    "portal:staff_invite": Row(POST_ONLY, client),
    "portal:staff_resend": Row(POST_ONLY, account),
    "portal:staff_consent": Row(POST_ONLY, account),
    "portal:staff_revoke": Row(POST_ONLY, account),
}
