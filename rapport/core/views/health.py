from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rapport.core.models import WorkerHeartbeat

WORKER_STALE_AFTER = timedelta(minutes=2)


# Outside ATOMIC_REQUESTS: opening that transaction would fail first when the
# database is down, turning the JSON "database: down" answer into a bare 500.
@transaction.non_atomic_requests
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for operators and load balancers.

    The status code answers "can this web process serve?" (503 only when the
    database is down), so a stopped worker never takes the web nodes out of a
    load balancer; the body says whether a worker beat recently, for alerting.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "down"
    worker = "down"
    if database == "ok":
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if beat is not None and timezone.now() - beat.seen_at < WORKER_STALE_AFTER:
            worker = "ok"
    healthy = database == "ok" and worker == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "worker": worker},
        status=200 if database == "ok" else 503,
    )
