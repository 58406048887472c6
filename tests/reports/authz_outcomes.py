"""Rows for the outcomes dashboard: admins (clinic-wide, de-identified) and clinicians
(their own reach) see it; intake coordinators are refused; portal sessions get 403."""

from tests.authz import Row, outcomes

EXPECTED = {
    "reports:outcomes": Row(outcomes(intake=403)),
    "reports:outcomes_csv": Row(outcomes(intake=403)),
}
