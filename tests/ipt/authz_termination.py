"""Rows for the termination phase: the workspace reads, tasks, the plan and closing write."""

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, episode


def _task(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "code": "discuss_ending"}


EXPECTED = {
    "ipt:termination": Row(CLINICAL_READ, episode),
    "ipt:termination_task": Row(POST_ONLY, _task),
    "ipt:maintenance_plan": Row(CLINICAL_WRITE, episode),
    "ipt:episode_close": Row(CLINICAL_WRITE, episode),
    "ipt:maintenance_start": Row(POST_ONLY, episode),
}
