"""The outbox claim reads its partial index oldest-due first, and every claim serves
the longest-waiting rows before newer ones."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rapport.core import jobs, outbox
from rapport.core.models import OutboundEmail
from tests.query_plans import analyze, assert_uses_index, claim_query

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
S = OutboundEmail.Status


def _email(minutes_ago: int, status: str = S.PENDING) -> OutboundEmail:
    due = NOW - dt.timedelta(minutes=minutes_ago)
    return OutboundEmail(recipient="a@example.org", subject="Reminder", status=status, due_at=due)


def test_it_claims_due_email_through_the_pending_due_index() -> None:
    with time_machine.travel(NOW, tick=False):
        query = claim_query(outbox.send_due_emails)
        # Years of sent mail, a queue of mail due later, three due now.
        history = [_email(n, S.SENT if n % 10 else S.FAILED) for n in range(1, 4000)]
        later = [_email(-n) for n in range(1, 400)]
        OutboundEmail.objects.bulk_create([*history, *later, *(_email(n) for n in range(3))])
        analyze(OutboundEmail)
        assert_uses_index(query.explain(), "outbox_pending_due")


def test_the_longest_waiting_rows_are_claimed_first() -> None:
    with time_machine.travel(NOW, tick=False):
        # Created newest-due first, so id order and due order disagree.
        rows = OutboundEmail.objects.bulk_create(_email(n) for n in range(1, 6))
        due = OutboundEmail.objects.filter(status=S.PENDING, due_at__lte=NOW)
        claimed = jobs.claim(due, worker="w", due_field="due_at", limit=2)
    assert claimed == [rows[4].pk, rows[3].pk]
