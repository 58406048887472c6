"""The intake queue's page comes from its partial index in queue order: it neither groups
nor sorts every request the clinic ever had before it takes the first 50."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rapport.intake.models import ConsultationRequest, ContactAttempt
from tests.factories import signed_in
from tests.intake.queue_helpers import NOW, make_request
from tests.query_plans import analyze, assert_uses_index, explain_sql

pytestmark = pytest.mark.django_db
QUEUE = reverse("intake:queue")
S = ConsultationRequest.Status
TABLE = ConsultationRequest._meta.db_table


def _history(clinic: Any, rows: int = 4000) -> None:
    """Years of closed requests, a tenth still open (some urgent), in two clinics."""
    statuses = [S.ACCEPTED] * 5 + [S.REFERRED, S.DECLINED, S.DECLINED, S.DECLINED, S.NEW]
    ConsultationRequest.objects.bulk_create(
        ConsultationRequest(
            clinic=clinic,
            name=f"History Person{n}",
            preferred_channel=ConsultationRequest.Channel.EMAIL,
            age_group=ConsultationRequest.AgeGroup.ADULT,
            urgent=n % 70 == 0,
            status=statuses[n % 10] if n % 20 else S.CONTACTED,
        )
        for n in range(rows)
    )


def _page_query(http: Any) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of the queue's page of requests, as the view executed it."""
    executed: list[tuple[str, tuple[Any, ...]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert http.get(QUEUE).status_code == 200
    [page] = [(sql, p) for sql, p in executed if f'FROM "{TABLE}"' in sql and "LIMIT" in sql]
    return page


def test_it_reads_the_open_queue_page_from_the_open_queue_index(cast: SimpleNamespace) -> None:
    _history(cast.clinic)
    _history(cast.other_clinic, rows=1000)
    analyze(ConsultationRequest, ContactAttempt)
    sql, params = _page_query(signed_in(cast.intake))
    assert f'GROUP BY "{TABLE}"' not in sql  # attempts are counted per row of the page
    assert_uses_index(explain_sql(sql, params), "request_open_queue")


def test_it_still_counts_contact_attempts_and_shows_the_last(cast: SimpleNamespace) -> None:
    tried = make_request(cast.clinic, name="Tried Twice")
    make_request(cast.clinic, name="Not Yet Tried")
    for hours in (5, 2):
        ContactAttempt.objects.create(
            request=tried,
            by=cast.intake,
            at=NOW - dt.timedelta(hours=hours),
            channel="email",
            outcome="no_answer",
        )
    with time_machine.travel(NOW, tick=False):
        body = signed_in(cast.intake).get(QUEUE).content.decode()
    tried_row = body[body.index("Tried Twice") :].split("</tr>")[0]
    untried_row = body[body.index("Not Yet Tried") :].split("</tr>")[0]
    assert "<td>2 <span" in tried_row
    last = timezone.localtime(NOW - dt.timedelta(hours=2), cast.clinic.zone)
    assert f">{last:%Y-%m-%d %H:%M} {last.tzname()}</time>" in tried_row  # the zone named
    assert "<td>0</td>" in untried_row
