"""The worker job that escalates unacknowledged safety alerts (safety.md §5.1 step 3).

Each open alert carries its next due time in ``escalate_at``. The job claims the
due rows like every job (rapport.core.jobs), and each escalation step is a
conditional update on the level it read: two workers at the same due time
escalate once. The step moves ``escalate_at`` on (see safety.REPEAT), so the
alert keeps escalating until someone acknowledges it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.core import jobs
from rapport.measures import safety
from rapport.measures.models import SafetyAlert


@jobs.register("safety_escalations")
def escalate_due_alerts(worker: str) -> int:
    due = SafetyAlert.objects.filter(
        status=SafetyAlert.Status.OPEN, escalate_at__lte=timezone.now()
    )
    claimed = jobs.claim(due, worker=worker, due_field="escalate_at")
    return sum(_escalate_one(pk, worker) for pk in claimed)


def _escalate_one(pk: int, worker: str) -> bool:
    with transaction.atomic():
        alert = SafetyAlert.objects.select_related("client__clinic").get(pk=pk)
        if alert.status != SafetyAlert.Status.OPEN or alert.claimed_by != worker:
            return False
        return safety.escalate(alert, worker=worker)
