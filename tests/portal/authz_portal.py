"""Portal pages in the authorization matrix: staff sessions are not portal sessions,
so every staff role is sent to the portal's sign-in page like a stranger."""

from tests.authz import POST_ONLY, Row, outcomes

TO_PORTAL_SIGN_IN = outcomes(anon=302, no2fa=302, default=302)
OPEN = outcomes(anon=200, no2fa=200, default=200)

EXPECTED = {
    "portal:home": Row(TO_PORTAL_SIGN_IN),
    "portal:sign_in": Row(OPEN),
    "portal:link": Row(OPEN),
    "portal:sign_out": Row(POST_ONLY),
    "portal:signed_out": Row(OPEN),
}
