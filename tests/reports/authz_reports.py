"""Rows for documents made from an episode: those who read it clinically may print it."""

from tests.authz import CLINICAL_READ, Row, episode

EXPECTED = {
    "reports:episode_summary": Row(CLINICAL_READ, episode),
}
