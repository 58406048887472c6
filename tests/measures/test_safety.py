"""Raising safety alerts (safety.md §5.1 steps 2–3): with the response, by rule, to the owner."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.measures import instruments, safety
from rapport.measures.models import (
    AlertNotification,
    MeasuresSettings,
    Response,
    SafetyAlert,
)
from tests.factories import make_client
from tests.measures.alerts_helpers import raise_alert, submit_phq9

# 09:00 in New York (the clinic's default zone), a Wednesday.
MORNING = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


def notified(alert: SafetyAlert, level: int | None = None) -> set[tuple[str, str]]:
    rows = AlertNotification.objects.filter(alert=alert)
    if level is not None:
        rows = rows.filter(level=level)
    return {(row.recipient.username, row.channel) for row in rows}


@time_machine.travel(MORNING, tick=False)
def test_it_raises_a_critical_alert_with_the_response_owned_by_the_therapist(
    cast: SimpleNamespace,
) -> None:
    response = submit_phq9(cast.client, 2)
    alert = SafetyAlert.objects.get(response=response)
    assert (alert.instrument, alert.item, alert.value) == ("phq9", "q9", 2)
    assert alert.severity == "critical"
    assert alert.owner == cast.therapist
    assert alert.status == SafetyAlert.Status.OPEN
    assert alert.created_at == MORNING
    assert alert.escalate_at == MORNING + timedelta(minutes=60)
    assert alert.escalation_level == 0


@time_machine.travel(MORNING, tick=False)
def test_it_rates_item_9_equal_3_critical_and_1_urgent(cast: SimpleNamespace) -> None:
    assert raise_alert(cast.client, 3).severity == "critical"
    assert raise_alert(cast.client, 1).severity == "urgent"


@time_machine.travel(MORNING, tick=False)
def test_it_never_ignores_item_9_because_the_total_is_low(cast: SimpleNamespace) -> None:
    response = submit_phq9(cast.client, 1, others=0)
    assert response.total == 1
    assert response.alerts.count() == 1


@time_machine.travel(MORNING, tick=False)
def test_it_raises_no_alert_when_item_9_is_zero_however_high_the_total(
    cast: SimpleNamespace,
) -> None:
    response = submit_phq9(cast.client, 0, others=3)
    assert response.total == 24
    assert not SafetyAlert.objects.exists()
    assert not AlertNotification.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_it_escalates_an_urgent_alert_at_the_end_of_the_clinics_business_day(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client, 1)
    # 17:00 in New York on 18 November (EST, UTC-5) is 22:00 UTC.
    assert alert.escalate_at == datetime(2026, 11, 18, 22, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 11, 18, 23, 30, tzinfo=UTC), tick=False)
def test_it_escalates_an_urgent_alert_an_hour_later_when_the_day_has_ended(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client, 1)  # 18:30 in New York: past 17:00
    assert alert.escalate_at == datetime(2026, 11, 19, 0, 30, tzinfo=UTC)


@time_machine.travel(MORNING, tick=False)
def test_it_uses_the_clinics_own_windows(cast: SimpleNamespace) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic,
        defaults={"critical_window_minutes": 15, "business_day_ends": time(12, 0)},
    )
    assert raise_alert(cast.client, 2).escalate_at == MORNING + timedelta(minutes=15)
    # 12:00 in New York is 17:00 UTC.
    assert raise_alert(cast.client, 1).escalate_at == datetime(2026, 11, 18, 17, tzinfo=UTC)


@time_machine.travel(MORNING, tick=False)
def test_it_notifies_the_therapist_in_the_app_and_by_email(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    assert notified(alert) == {("therapist", "in_app"), ("therapist", "email")}
    assert AlertNotification.objects.filter(alert=alert, level=0).count() == 2
    email = OutboundEmail.objects.get()
    assert email.recipient == cast.therapist.email
    assert email.subject == "Rapport: a safety alert needs your review"
    assert f"/measures/alerts/{alert.public_id}/" in email.text_body
    assert f"/measures/alerts/{alert.public_id}/" in email.html_body


@time_machine.travel(MORNING, tick=False)
def test_it_puts_no_phi_in_the_email(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    email = OutboundEmail.objects.get()
    item = instruments.get("phq9").item("q9")
    answer = next(option.label for option in item.options if option.value == 2)
    secrets = [
        cast.client.given_name,
        cast.client.family_name,
        cast.client.email,
        str(cast.client.public_id),
        str(alert.response.public_id),
        "PHQ",
        item.text[:30],
        answer,
        "critical",
    ]
    for part in (email.subject, email.text_body, email.html_body):
        for secret in secrets:
            assert secret.lower() not in part.lower(), (secret, part)


@time_machine.travel(MORNING, tick=False)
def test_it_stores_no_response_when_raising_its_alert_fails(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("notification store down")

    monkeypatch.setattr(safety, "notify", broken)
    with pytest.raises(RuntimeError):
        submit_phq9(cast.client, 2)
    # One transaction: a positive answer never exists without its alert.
    assert not Response.objects.exists()
    assert not SafetyAlert.objects.exists()
    assert not OutboundEmail.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_it_keeps_every_positive_response_paired_with_an_alert(cast: SimpleNamespace) -> None:
    for item9 in (0, 1, 2, 3, 1):
        submit_phq9(cast.client, item9)
    positive = Response.objects.filter(pk__in=SafetyAlert.objects.values("response"))
    assert positive.count() == 4
    assert SafetyAlert.objects.count() == 4


@time_machine.travel(MORNING, tick=False)
def test_it_raises_a_second_alert_while_the_first_is_open(cast: SimpleNamespace) -> None:
    first = raise_alert(cast.client, 1)
    second = raise_alert(cast.client, 2)
    assert first != second
    assert set(SafetyAlert.objects.values_list("status", flat=True)) == {"open"}
    assert AlertNotification.objects.filter(recipient=cast.therapist, channel="in_app").count() == 2


@time_machine.travel(MORNING, tick=False)
def test_it_leaves_the_alert_open_after_a_later_negative_screen(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client, 2)
    submit_phq9(cast.client, 0)
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert alert.escalate_at == MORNING + timedelta(minutes=60)


def test_it_never_deletes_an_alert(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    with pytest.raises(TypeError):
        alert.delete()
    assert SafetyAlert.objects.filter(pk=alert.pk).exists()


@time_machine.travel(MORNING, tick=False)
def test_it_escalates_at_once_when_the_therapist_is_inactive(cast: SimpleNamespace) -> None:
    cast.therapist.is_active = False
    cast.therapist.save()
    alert = raise_alert(cast.client)
    assert alert.escalation_level == 1
    assert alert.escalate_at == MORNING + safety.REPEAT["critical"]
    assert notified(alert) == {
        ("supervisor", "in_app"),
        ("supervisor", "email"),
        ("admin", "in_app"),
        ("admin", "email"),
    }
    assert AuditEvent.objects.filter(action="measures.alert.escalated").count() == 1
    subjects = set(OutboundEmail.objects.values_list("subject", flat=True))
    assert subjects == {"Rapport: an unacknowledged safety alert has been escalated to you"}


@time_machine.travel(MORNING, tick=False)
def test_it_escalates_at_once_when_no_therapist_is_assigned(cast: SimpleNamespace) -> None:
    orphan = make_client(cast.clinic, None)
    alert = raise_alert(orphan, 1)
    assert alert.owner is None
    assert alert.escalation_level == 1
    assert notified(alert) == {("admin", "in_app"), ("admin", "email")}


@time_machine.travel(MORNING, tick=False)
def test_it_audits_a_remote_alert_without_an_actor_and_without_content(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client)
    event = AuditEvent.objects.get(action="measures.alert.raised")
    assert event.actor is None
    assert event.object_id == str(alert.public_id)
    assert event.subject_id == cast.client.public_id
    assert event.fields == ["instrument", "item", "severity", "value"]


@time_machine.travel(MORNING, tick=False)
def test_it_audits_an_in_session_alert_as_the_clinicians(cast: SimpleNamespace) -> None:
    submit_phq9(cast.client, 1, entered_by=cast.therapist)
    assert AuditEvent.objects.get(action="measures.alert.raised").actor == cast.therapist
