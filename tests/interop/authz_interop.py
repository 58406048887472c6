"""Authorization rows of the interop app (gathered by tests/test_authorization_matrix.py).

The FHIR API never accepts a signed-in session: every role gets 401 (an API key
is the only credential), except the CapabilityStatement, which is public.
"""

from tests.authz import Row, outcomes

FHIR_NO_SESSION = outcomes(anon=401, no2fa=401, default=401, portal=401)

EXPECTED = {
    "fhir:metadata": Row(outcomes(anon=200, no2fa=200, default=200, portal=200)),
    "interop:keys": Row(outcomes(default=403, admin=200)),
}
