"""The safety_escalations worker job (safety.md §5.1 step 3), with time frozen."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from rapport.core import jobs
from rapport.core.models import AuditEvent, OutboundEmail, Role
from rapport.measures import safety, safety_plans
from rapport.measures.escalation import _escalate_one, escalate_due_alerts
from rapport.measures.models import AlertNotification, SafetyAlert
from rapport.measures.safety_plans import Person
from tests.factories import make_staff
from tests.measures.alerts_helpers import SAFETY_PLAN, raise_alert

T0 = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # 09:00 in New York
ESCALATED_SUBJECT = "Rapport: an unacknowledged safety alert has been escalated to you"


def run_at(moment: datetime, worker: str = "worker-1") -> int:
    with time_machine.travel(moment, tick=False):
        return escalate_due_alerts(worker)


def raised_at(moment: datetime, client: object, item9: int = 2) -> SafetyAlert:
    with time_machine.travel(moment, tick=False):
        return raise_alert(client, item9)


def recipients(alert: SafetyAlert, level: int) -> set[tuple[str, str]]:
    rows = AlertNotification.objects.filter(alert=alert, level=level)
    return {(row.recipient.username, row.channel) for row in rows}


EVERYONE_ESCALATED = {
    ("supervisor", "in_app"),
    ("supervisor", "email"),
    ("admin", "in_app"),
    ("admin", "email"),
}


def test_it_is_registered_as_a_worker_job() -> None:
    assert jobs.registered_jobs()["safety_escalations"] is escalate_due_alerts


def test_it_escalates_a_critical_alert_after_60_minutes_to_supervisor_and_admins(
    cast: SimpleNamespace,
) -> None:
    alert = raised_at(T0, cast.client)
    assert run_at(T0 + timedelta(minutes=59)) == 0
    assert run_at(T0 + timedelta(minutes=60)) == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert alert.escalate_at == T0 + timedelta(minutes=90)
    assert (alert.claimed_by, alert.claimed_until) == ("", None)
    assert recipients(alert, 1) == EVERYONE_ESCALATED
    # Nobody outside the therapist's supervision line hears of it.
    told = set(AlertNotification.objects.values_list("recipient__username", flat=True))
    assert told == {"therapist", "supervisor", "admin"}
    emails = OutboundEmail.objects.filter(subject=ESCALATED_SUBJECT)
    assert {email.recipient for email in emails} == {  # encrypted: read from rows
        cast.supervisor.email,
        cast.admin.email,
    }
    for email in emails:
        assert cast.client.family_name not in email.text_body + email.html_body
        assert f"/measures/alerts/{alert.public_id}/" in email.text_body
    event = AuditEvent.objects.get(action="measures.alert.escalated")
    assert event.actor is None
    assert event.object_id == str(alert.public_id)


def test_it_keeps_escalating_every_interval_until_acknowledged(cast: SimpleNamespace) -> None:
    alert = raised_at(T0, cast.client)
    for n, minutes in enumerate([60, 90, 120, 150], start=1):
        assert run_at(T0 + timedelta(minutes=minutes)) == 1
        assert run_at(T0 + timedelta(minutes=minutes + 29)) == 0
        alert.refresh_from_db()
        assert alert.escalation_level == n
        assert recipients(alert, n) == EVERYONE_ESCALATED
    with time_machine.travel(T0 + timedelta(minutes=170), tick=False):
        plan = safety_plans.save_version(
            Person.of_client(cast.client), SAFETY_PLAN, by=cast.therapist, based_on=0
        )
        assessment = dict.fromkeys(safety.ACK_FIELDS, "x") | {
            "risk_level": "low",
            "safety_plan": plan,
            "follow_up_on": (T0 + timedelta(days=1)).date(),
        }
        assert safety.acknowledge(alert, assessment, by=cast.therapist)
    for hours in (3, 6, 48):
        assert run_at(T0 + timedelta(hours=hours)) == 0
    alert.refresh_from_db()
    assert alert.escalation_level == 4
    assert alert.escalate_at is None


def test_it_escalates_an_urgent_alert_at_the_end_of_business_day_in_the_clinics_zone(
    cast: SimpleNamespace,
) -> None:
    cast.clinic.time_zone = "America/Los_Angeles"
    cast.clinic.save()
    morning = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles (PST, UTC-8)
    alert = raised_at(morning, cast.client, item9=1)
    five_pm = datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # 17:00 in Los Angeles
    assert alert.escalate_at == five_pm
    assert run_at(five_pm - timedelta(minutes=1)) == 0
    assert run_at(five_pm) == 1
    alert.refresh_from_db()
    assert alert.escalate_at == five_pm + timedelta(hours=2)
    assert run_at(five_pm + timedelta(hours=2)) == 1


def test_it_escalates_once_when_two_workers_run_at_the_same_due_time(
    cast: SimpleNamespace,
) -> None:
    alert = raised_at(T0, cast.client)
    due = T0 + timedelta(minutes=60)
    assert run_at(due, "worker-1") + run_at(due, "worker-2") == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert AlertNotification.objects.filter(alert=alert, level=1).count() == 4


def test_it_lets_only_one_of_two_racing_steps_through(cast: SimpleNamespace) -> None:
    alert = raised_at(T0, cast.client)
    first, second = (SafetyAlert.objects.get(pk=alert.pk) for _ in range(2))
    with time_machine.travel(T0 + timedelta(minutes=60), tick=False):
        assert safety.escalate(first) is True
        assert safety.escalate(second) is False  # read the same level: the step is taken
    assert AlertNotification.objects.filter(alert=alert, level=1).count() == 4


def test_it_skips_a_claim_another_worker_holds(cast: SimpleNamespace) -> None:
    alert = raised_at(T0, cast.client)
    due = T0 + timedelta(minutes=60)
    with time_machine.travel(due, tick=False):
        due_rows = SafetyAlert.objects.filter(pk=alert.pk)
        assert jobs.claim(due_rows, worker="worker-1") == [alert.pk]
        assert escalate_due_alerts("worker-2") == 0
    alert.refresh_from_db()
    assert alert.escalation_level == 0


def test_it_never_notifies_a_deactivated_supervisor(cast: SimpleNamespace) -> None:
    cast.supervisor.is_active = False
    cast.supervisor.save()
    alert = raised_at(T0, cast.client)
    run_at(T0 + timedelta(minutes=60))
    assert recipients(alert, 1) == {("admin", "in_app"), ("admin", "email")}


def test_it_asks_every_active_supervisor_and_logs_when_nobody_in_line_is_active(
    cast: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    make_staff(cast.clinic, "duty", Role.SUPERVISOR)
    for user in (cast.supervisor, cast.admin):
        user.is_active = False
        user.save()
    alert = raised_at(T0, cast.client)
    with caplog.at_level(logging.WARNING, logger="rapport.measures.safety"):
        run_at(T0 + timedelta(minutes=60))
    assert recipients(alert, 1) == {("duty", "in_app"), ("duty", "email")}
    warning = next(r for r in caplog.records if r.name == "rapport.measures.safety")
    assert warning.alert == str(alert.public_id)
    assert cast.client.family_name not in warning.getMessage()


def test_it_does_not_escalate_an_acknowledged_alert_claimed_before_acknowledgement(
    cast: SimpleNamespace,
) -> None:
    alert = raised_at(T0, cast.client)
    due = T0 + timedelta(minutes=60)
    with time_machine.travel(due, tick=False):
        jobs.claim(SafetyAlert.objects.filter(pk=alert.pk), worker="worker-1")
        SafetyAlert.objects.filter(pk=alert.pk).update(status=SafetyAlert.Status.ACKNOWLEDGED)
        assert _escalate_one(alert.pk, "worker-1") is False
    assert not AlertNotification.objects.filter(level=1).exists()
