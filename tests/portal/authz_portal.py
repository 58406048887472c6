"""Portal pages in the authorization matrix: staff sessions are not portal sessions,
so every staff role is sent to the portal's sign-in page like a stranger.

Rows for portal pages use ``portal_outcomes`` (tests/authz.py): what the client's
own session, a guardian's and another client's session get.
"""

from tests.authz import POST_ONLY, Row, outcomes, portal_outcomes

OPEN = outcomes(anon=200, no2fa=200, default=200)
# A page of the session's own data that client and guardian both see: strangers and
# staff go to the portal's sign-in page. Pages for the client only, or about one
# object, say so: portal_outcomes(guardian=403) or portal_outcomes(other=404).
TO_PORTAL_SIGN_IN = portal_outcomes()

EXPECTED = {
    "portal:home": Row(TO_PORTAL_SIGN_IN),
    "portal:sign_in": Row(OPEN),
    "portal:link": Row(OPEN),
    "portal:sign_out": Row(POST_ONLY),
    "portal:signed_out": Row(OPEN),
}
