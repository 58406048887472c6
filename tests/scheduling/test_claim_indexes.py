"""The reminder claim is served by its partial index, not a walk over every reminder."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rapport.scheduling import reminders
from rapport.scheduling.models import Reminder
from tests.query_plans import analyze, assert_uses_index, claim_query
from tests.scheduling.helpers_l import course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
S = Reminder.Status


def _history(appointment, rows: int = 4000) -> None:
    """Years of sent and cancelled reminders, upcoming pending ones and a few due now."""
    statuses = [S.SENT] * 8 + [S.CANCELLED, S.PENDING]
    Reminder.objects.bulk_create(
        Reminder(
            appointment=appointment,
            lead_minutes=10_000 + n,
            status=(status := statuses[n % 10]),
            send_at=NOW + dt.timedelta(minutes=n) * (1 if status == S.PENDING else -1),
        )
        for n in range(rows)
    )
    Reminder.objects.bulk_create(
        Reminder(appointment=appointment, lead_minutes=n, send_at=NOW - dt.timedelta(minutes=n))
        for n in range(1, 4)
    )


def test_it_claims_due_reminders_through_the_pending_due_index(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        appointment = sessions(course(cast, count=1))[0]
        query = claim_query(reminders.send_due_reminders)
        _history(appointment)
        analyze(Reminder)
        assert_uses_index(query.explain(), "reminder_pending_due")
