"""Matrix rows for separation of duties (tests/test_authorization_matrix.py)."""

import uuid

from tests.authz import POST_ONLY, Row, outcomes


def any_grant(cast: object) -> dict:
    return {"public_id": uuid.uuid4()}  # POST only: refused before any lookup


def forged_reenrol_link(cast: object) -> dict:
    return {"token": "forged-token"}


EXPECTED = {
    "core:role_approvals": Row(outcomes(default=403, admin=200)),
    "core:role_approval_decide": Row(POST_ONLY, any_grant),
    # The link is the credential: no sign-in first, and a forged one is refused for all.
    "core:second_factor_reenrol": Row(
        outcomes(anon=400, no2fa=400, default=400), forged_reenrol_link
    ),
}
