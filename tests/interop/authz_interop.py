"""Authorization rows of the interop app (gathered by tests/test_authorization_matrix.py).

The FHIR API never accepts a signed-in session: every role gets 401 (an API key
is the only credential), except the CapabilityStatement, which is public.
"""

from types import SimpleNamespace

from tests.authz import Row, outcomes

FHIR_NO_SESSION = outcomes(anon=401, no2fa=401, default=401, portal=401)


def api_key(cast: SimpleNamespace) -> dict:
    from tests.interop.fhir_helpers import issue_key

    return {"public_id": issue_key(cast)[0].public_id}


EXPECTED = {
    "fhir:metadata": Row(outcomes(anon=200, no2fa=200, default=200, portal=200)),
    "interop:keys": Row(outcomes(default=403, admin=200)),
    "interop:key_revoke": Row(outcomes(default=403, admin=405), api_key),
    "fhir:search": Row(FHIR_NO_SESSION, lambda cast: {"resource_type": "Patient"}),
    "fhir:read": Row(
        FHIR_NO_SESSION,
        lambda cast: {"resource_type": "Patient", "resource_id": str(cast.client.public_id)},
    ),
}
