"""The language switches in the authorization matrix.

Django's ``set_language`` changes nothing on GET (it redirects); the portal's switch
sends anyone without a portal session to the portal's sign-in page and takes POST only.
"""

from tests.authz import Row, outcomes

EXPECTED = {
    "set_language": Row(outcomes(anon=302, no2fa=302, default=302, portal=302)),
    # The read-only public pages' switch: sets the language asked for, then redirects.
    "choose_language": Row(outcomes(anon=302, no2fa=302, default=302, portal=302)),
    "portal:language": Row(
        outcomes(
            anon=302, no2fa=302, default=302, portal_client=405, guardian=405, other_portal=405
        )
    ),
}
