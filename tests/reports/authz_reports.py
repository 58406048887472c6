"""Rows for documents made from an episode: those who read it clinically may print it."""

from tests.authz import CLINICAL_READ, Row, episode, outcomes

EXPECTED = {
    "reports:episode_summary": Row(CLINICAL_READ, episode),
}

EXPECTED["reports:supervision"] = Row(outcomes(default=403, supervisor=200))
