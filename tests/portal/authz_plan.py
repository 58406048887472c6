"""My plan in the portal. The plan page shows each session its own client's plan (a
guardian's filtered by the guardian rule); the safety plan page answers a guardian 404
while the therapist has not shared it, as if it did not exist."""

from tests.authz import POST_ONLY, Row, portal_outcomes

EXPECTED = {
    "portal:plan": Row(portal_outcomes()),
    "portal:plan_acknowledge": Row(POST_ONLY),
    "portal:plan_safety_plan": Row(portal_outcomes(guardian=404)),
}
