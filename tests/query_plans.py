"""Reading the database's own plan for a query, to prove that an index serves it.

The tables get a few thousand rows and fresh statistics (ANALYZE) first, and the
plan is never forced (no ``enable_seqscan = off``): what the test reads is what the
planner would choose on a practice with history.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.db import connection, models
from django.utils import timezone

from rapport.core import jobs


def analyze(*tables: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def assert_uses_index(plan: str, name: str) -> None:
    if connection.vendor == "sqlite":
        assert re.search(rf"USING (?:COVERING )?INDEX {name}\b", plan), plan
    else:  # PostgreSQL: "Index Scan [Backward] using <name>", "Bitmap Index Scan on <name>"
        assert re.search(rf"Scan (?:Backward )?(?:using|on) {name}\b", plan), plan


def claim_query(job: Callable[[str], int]) -> models.QuerySet:
    """The SELECT that ``jobs.claim`` runs for ``job``: its due rows, unclaimed, oldest first.

    Built from the due queryset the job hands to ``jobs.claim`` the way the claim
    builds it, and checked against the SQL the job really ran (call it with the clock
    frozen), so the plan read is the plan of the job's own query.
    """
    executed: list[tuple[str, tuple[Any, ...]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with (
        mock.patch.object(jobs, "claim", wraps=jobs.claim) as claim,
        connection.execute_wrapper(record),
    ):
        job("plan-reader")
    [call] = claim.call_args_list
    due = call.args[0]
    limit = call.kwargs.get("limit", inspect.signature(jobs.claim).parameters["limit"].default)
    now = timezone.now()
    unclaimed = due.filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
    due_field = call.kwargs.get("due_field")
    order = (due_field, "pk") if due_field else ("pk",)
    # With nothing due the claim stops at its probe: the same rows, in the same order.
    probe = unclaimed.order_by(*order).values_list("pk", flat=True)[:1]
    probe_sql, probe_params = probe.query.sql_with_params()
    if connection.vendor == "postgresql":
        unclaimed = unclaimed.select_for_update(skip_locked=True)
    candidates = unclaimed.order_by(*order).values_list("pk", flat=True)[:limit]
    sql, params = candidates.query.sql_with_params()
    ran = {(sql, tuple(params)), (probe_sql, tuple(probe_params))} & set(executed)
    assert ran, "jobs.claim no longer runs this query"
    return candidates


def explain_sql(sql: str, params: tuple[Any, ...]) -> str:
    """The plan of one statement as it was executed (for a query built inside a view)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{connection.ops.explain_query_prefix()} {sql}", params)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())
