"""Time-based work as due rows, claimed by ``manage.py worker`` (DESIGN.md).

A job is a function ``(worker_name) -> int`` that claims what is due and
processes it, returning how many rows it handled. Apps register their jobs in
``AppConfig.ready()``; the worker runs them all each cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

Job = Callable[[str], int]
LEASE = timedelta(minutes=5)
_JOBS: dict[str, Job] = {}


def register(name: str) -> Callable[[Job], Job]:
    def decorator(job: Job) -> Job:
        _JOBS[name] = job
        return job

    return decorator


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def claim(
    due: models.QuerySet,
    *,
    worker: str,
    due_field: str | None = None,
    lease: timedelta = LEASE,
    limit: int = 50,
) -> list[int]:
    """Claim up to ``limit`` due rows for ``worker``; no row is claimed twice.

    The rows need ``claimed_by`` and ``claimed_until``. A claim lapses after
    ``lease`` so a crashed worker's rows are picked up again. With ``due_field``
    the oldest due rows go first, read from an index on (due_field, id): an idle
    claim then stops at the first row not yet due, however many wait for later.
    """
    order = (due_field, "pk") if due_field else ("pk",)
    now = timezone.now()
    unclaimed = due.filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
    stamp = {"claimed_by": worker, "claimed_until": now + lease}
    # The idle pass: one probe, no transaction and no lock. It keeps the claim's order
    # (exists() would drop it): the planner then walks the due index and stops at the
    # first row not yet due, instead of hoping to meet a due row early in a table scan.
    if not unclaimed.order_by(*order).values_list("pk", flat=True)[:1]:
        return []
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                unclaimed.select_for_update(skip_locked=True)
                .order_by(*order)
                .values_list("pk", flat=True)[:limit]
            )
            due.model.objects.filter(pk__in=ids).update(**stamp)
        return ids
    # Elsewhere, one conditional UPDATE per row: it either wins the row or changes nothing.
    candidates = list(unclaimed.order_by(*order).values_list("pk", flat=True)[:limit])
    return [pk for pk in candidates if unclaimed.filter(pk=pk).update(**stamp) == 1]


def hold(model: type[models.Model], pk: int, *, worker: str, lease: timedelta = LEASE) -> bool:
    """Renew ``worker``'s claim on one row just before acting on it.

    False when the claim lapsed and may have passed to another worker: then the
    row is not ours to act on, which keeps a slow batch from sending twice.
    """
    now = timezone.now()
    mine = model.objects.filter(pk=pk, claimed_by=worker, claimed_until__gt=now)
    return mine.update(claimed_until=now + lease) == 1
