from tests.authz import Row, outcomes

EXPECTED = {"intake:home": Row(outcomes(anon=200, no2fa=200, default=200))}
