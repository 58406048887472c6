"""Rows for the termination phase: the workspace reads, the plan and closing write."""

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, episode

EXPECTED = {
    "ipt:termination": Row(CLINICAL_READ, episode),
    "ipt:termination_tasks": Row(POST_ONLY, episode),
    "ipt:maintenance_plan": Row(CLINICAL_WRITE, episode),
    "ipt:episode_close": Row(CLINICAL_WRITE, episode),
    "ipt:maintenance_start": Row(POST_ONLY, episode),
}
