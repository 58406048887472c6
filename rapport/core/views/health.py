from __future__ import annotations

from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rapport.core import audit
from rapport.core.models import WorkerHeartbeat

WORKER_STALE_AFTER = timedelta(minutes=2)
# Unsealed audit events older than this mean sealing has fallen behind.
AUDIT_BACKLOG_STALE_AFTER = timedelta(minutes=5)


# Outside ATOMIC_REQUESTS: opening that transaction would fail first when the
# database is down, turning the JSON "database: down" answer into a bare 500.
@transaction.non_atomic_requests
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for operators and load balancers.

    The status code answers "can this web process serve?" (503 only when the
    database is down), so a stopped worker never takes the web nodes out of a
    load balancer; the body says whether a worker beat recently and how many
    audit events wait to be sealed (and the oldest one's age), for alerting.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "down"
    worker = "down"
    backlog = None
    if database == "ok":
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if beat is not None and timezone.now() - beat.seen_at < WORKER_STALE_AFTER:
            worker = "ok"
        try:
            backlog = audit.backlog()
        except DatabaseError:
            backlog = None  # reported as unknown; the status code stays the database's
    sealing_behind = (
        backlog is not None and backlog.oldest_seconds > AUDIT_BACKLOG_STALE_AFTER.total_seconds()
    )
    healthy = database == "ok" and worker == "ok" and not sealing_behind
    body = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "worker": worker,
        "audit_unsealed": backlog.unsealed if backlog else None,
        "audit_oldest_unsealed_seconds": backlog.oldest_seconds if backlog else None,
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
