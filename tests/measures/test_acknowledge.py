"""Acknowledging a safety alert with a risk assessment, and the banners until then (§5.1)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.measures import safety, safety_plans
from rapport.measures.forms_alerts import TEXT_FIELDS
from rapport.measures.models import AlertNotification, SafetyAlert, SafetyPlan
from rapport.measures.safety_plans import STEPS, Person
from tests.factories import csrf_post, make_client, signed_in
from tests.measures.alerts_helpers import (
    SAFETY_PLAN,
    completed_assessment,
    plan_fields,
    raise_alert,
)

DASHBOARD = reverse("core:dashboard")
BANNER = 'class="safety-banner" role="alert"'


def ack_url(alert: SafetyAlert) -> str:
    return reverse("measures:alert_acknowledge", args=[alert.public_id])


def escalated(alert: SafetyAlert) -> SafetyAlert:
    assert safety.escalate(alert)
    alert.refresh_from_db()
    return alert


# ------------------------------------------------------------------ acknowledging


def test_it_shows_the_trigger_and_the_form_to_the_therapist(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    response = signed_in(cast.therapist).get(ack_url(alert))
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.client.display_name in body
    assert "More than half the days (2)" in body
    assert "<legend>Overall risk level</legend>" in body
    assert AuditEvent.objects.filter(action="measures.alert.viewed", actor=cast.therapist).exists()


def test_it_saves_nothing_and_names_every_missing_part(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    response = csrf_post(http, ack_url(alert), {"ideation": "Passive thoughts, no plan."})
    assert response.status_code == 200
    form = response.context["form"]
    missing = {*TEXT_FIELDS, "risk_level", "follow_up_on"} - {"ideation"}
    assert set(form.errors) == missing
    assert set(response.context["plan_form"].errors) == set(STEPS)
    body = response.content.decode()
    assert "Please check the form" in body
    assert "Choose the overall risk level." in body
    assert "Fill in this step with the client" in body
    assert "Passive thoughts, no plan." in body  # what was typed stays
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert alert.ideation == ""
    assert alert.escalate_at is not None
    assert not AuditEvent.objects.filter(action="measures.alert.acknowledged").exists()


def test_it_refuses_a_follow_up_date_in_the_past(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    yesterday = timezone.localdate() - timedelta(days=2)
    data = completed_assessment(follow_up_on=yesterday.isoformat())
    response = csrf_post(signed_in(cast.therapist), ack_url(alert), data)
    assert response.context["form"].errors == {
        "follow_up_on": ["The follow-up date must be today or later."]
    }
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN


def test_it_refuses_blank_looking_answers(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    data = completed_assessment(plan="   ")
    response = csrf_post(signed_in(cast.therapist), ack_url(alert), data)
    assert set(response.context["form"].errors) == {"plan"}


def test_it_acknowledges_with_a_complete_assessment(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    response = csrf_post(http, ack_url(alert), completed_assessment())
    assert response.status_code == 302
    assert response.url == reverse("measures:alert", args=[alert.public_id])
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == cast.therapist
    assert alert.acknowledged_at is not None
    assert alert.escalate_at is None
    assert alert.risk_level == "moderate"
    assert alert.plan == "No plan; no access to means at home."
    assert alert.acknowledged_in is None  # from the alert's own page
    event = AuditEvent.objects.get(action="measures.alert.acknowledged")
    assert event.actor == cast.therapist
    assert "ideation" in event.fields
    assert "Passive" not in str(event.fields)
    page = http.get(response.url).content.decode()
    assert "Risk assessment recorded; the alert is acknowledged." in page
    assert "Children, engaged in therapy, sister nearby." in page


# ------------------------------------------------------------------ the safety plan


def test_it_refuses_to_acknowledge_without_a_safety_plan(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    no_plan = {f"safety_plan-{name}": "" for name in SAFETY_PLAN} | {"safety_plan-based_on": "0"}
    response = csrf_post(
        signed_in(cast.therapist), ack_url(alert), completed_assessment(safety_plan=no_plan)
    )
    assert response.status_code == 200
    assert set(response.context["plan_form"].errors) == set(STEPS)
    assert "safety_plan_updated" not in response.content.decode()  # the checkbox is gone
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert not SafetyPlan.objects.exists()


def test_it_acknowledges_with_a_new_safety_plan_and_links_it(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    response = csrf_post(signed_in(cast.therapist), ack_url(alert), completed_assessment())
    assert response.status_code == 302
    alert.refresh_from_db()
    plan = SafetyPlan.objects.get()
    assert alert.safety_plan == plan
    assert (plan.client, plan.version, plan.change) == (cast.client, 1, "created")
    assert plan.created_by == cast.therapist
    assert plan.made_in == alert.public_id
    assert {name: getattr(plan, name) for name in SAFETY_PLAN} == SAFETY_PLAN
    event = AuditEvent.objects.get(action="measures.safety_plan.created")
    assert "warning_signs" in event.fields
    assert "burden" not in str(event.fields)
    body = signed_in(cast.therapist).get(response.url).content.decode()
    assert "Version 1, created on" in body
    assert reverse("measures:safety_plan_print", args=[plan.public_id]) in body


def test_it_starts_a_new_plan_from_the_clinics_crisis_resources(cast: SimpleNamespace) -> None:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis team", "contact": "555-0199"}]
    cast.clinic.save()
    alert = raise_alert(cast.client)
    response = signed_in(cast.therapist).get(ack_url(alert))
    professionals = response.context["plan_form"]["professionals"].value()
    assert "Riverside crisis team: 555-0199" in professionals
    assert "Therapist Tester" in professionals


def _plan_made(cast: SimpleNamespace, days_ago: int) -> SafetyPlan:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        return safety_plans.save_version(
            Person.of_client(cast.client), SAFETY_PLAN, by=cast.therapist, based_on=0
        )


def test_it_relies_on_a_plan_made_in_the_last_seven_days(cast: SimpleNamespace) -> None:
    plan = _plan_made(cast, days_ago=6)
    alert = raise_alert(cast.client)
    data = completed_assessment(safety_plan=plan_fields(based_on=1))
    assert csrf_post(signed_in(cast.therapist), ack_url(alert), data).status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.safety_plan == plan
    assert SafetyPlan.objects.count() == 1  # nothing changed, nothing new


def test_it_asks_for_a_review_of_an_older_plan(cast: SimpleNamespace) -> None:
    _plan_made(cast, days_ago=8)
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    assert "more than 7 days ago" in http.get(ack_url(alert)).content.decode()
    data = completed_assessment(safety_plan=plan_fields(based_on=1))
    response = csrf_post(http, ack_url(alert), data)
    assert response.status_code == 200
    assert "review it with the client" in str(response.context["plan_form"].errors["reviewed"])
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN


def test_it_records_a_review_without_changes_as_a_new_version(cast: SimpleNamespace) -> None:
    _plan_made(cast, days_ago=30)
    alert = raise_alert(cast.client)
    data = completed_assessment(safety_plan=plan_fields(based_on=1, reviewed=True))
    assert csrf_post(signed_in(cast.therapist), ack_url(alert), data).status_code == 302
    alert.refresh_from_db()
    assert alert.safety_plan.version == 2
    assert alert.safety_plan.change == SafetyPlan.Change.REVIEWED
    assert alert.safety_plan.warning_signs == SAFETY_PLAN["warning_signs"]


def test_it_saves_a_changed_plan_as_an_update(cast: SimpleNamespace) -> None:
    _plan_made(cast, days_ago=30)
    alert = raise_alert(cast.client)
    data = completed_assessment(
        safety_plan=plan_fields(based_on=1, means_safety="Tablets locked in the car.")
    )
    assert csrf_post(signed_in(cast.therapist), ack_url(alert), data).status_code == 302
    alert.refresh_from_db()
    assert (alert.safety_plan.version, alert.safety_plan.change) == (2, "updated")
    assert alert.safety_plan.means_safety == "Tablets locked in the car."
    event = AuditEvent.objects.get(action="measures.safety_plan.updated")
    assert event.fields == ["change", "means_safety"]


def test_it_keeps_what_was_typed_when_the_plan_changed_meanwhile(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    _plan_made(cast, days_ago=0)  # a colleague's tab saved version 1 after this form opened
    data = completed_assessment(safety_plan=plan_fields(based_on=0, warning_signs="Mine"))
    response = csrf_post(signed_in(cast.therapist), ack_url(alert), data)
    assert response.status_code == 200
    assert "Someone saved a newer version of the safety plan" in response.content.decode()
    assert response.context["plan_form"]["warning_signs"].value() == "Mine"
    assert response.context["plan_form"]["based_on"].value() == "1"
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert SafetyPlan.objects.count() == 1


def test_it_refuses_in_the_service_a_plan_that_is_not_recent(cast: SimpleNamespace) -> None:
    old = _plan_made(cast, days_ago=8)
    alert = raise_alert(cast.client)
    assessment = dict.fromkeys(safety.ACK_FIELDS, "x") | {
        "risk_level": "low",
        "follow_up_on": timezone.localdate(),
        "safety_plan": old,
    }
    with pytest.raises(safety.SafetyPlanRequired):
        safety.acknowledge(alert, assessment, by=cast.therapist)
    other = safety_plans.save_version(
        Person.of_client(make_client(cast.clinic, cast.therapist)),
        SAFETY_PLAN,
        by=cast.therapist,
        based_on=0,
    )
    with pytest.raises(safety.SafetyPlanRequired):  # someone else's plan
        safety.acknowledge(alert, assessment | {"safety_plan": other}, by=cast.therapist)
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN


def test_it_acknowledges_once(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    csrf_post(http, ack_url(alert), completed_assessment())
    again = csrf_post(http, ack_url(alert), completed_assessment(plan="Overwritten"))
    assert again.status_code == 302
    alert.refresh_from_db()
    assert alert.plan == "No plan; no access to means at home."
    assert AuditEvent.objects.filter(action="measures.alert.acknowledged").count() == 1


def test_it_lets_the_supervisor_acknowledge_only_once_escalated(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.supervisor)
    assert http.get(ack_url(alert)).status_code == 403
    escalated(alert)
    assert http.get(ack_url(alert)).status_code == 200
    assert csrf_post(http, ack_url(alert), completed_assessment()).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.supervisor


def test_it_shows_an_admin_that_an_alert_exists_but_not_its_content(
    cast: SimpleNamespace,
) -> None:
    alert = escalated(raise_alert(cast.client))
    http = signed_in(cast.admin)
    body = http.get(reverse("measures:alert", args=[alert.public_id])).content.decode()
    assert "Therapist Tester" in body
    assert cast.client.family_name not in body
    assert "More than half the days" not in body
    assert http.get(ack_url(alert)).status_code == 403
    listing = http.get(reverse("measures:alerts")).content.decode()
    assert "Open alert for a client of Therapist Tester" in listing
    assert cast.client.family_name not in listing


def test_it_hides_the_alert_from_other_therapists(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    for user in (cast.colleague, cast.outsider):
        assert signed_in(user).get(ack_url(alert)).status_code == 404
        assert signed_in(user).get(reverse("measures:alerts")).content.count(b"<tr>") == 0


def test_it_marks_my_notifications_seen_when_i_open_the_alert(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    signed_in(cast.therapist).get(reverse("measures:alert", args=[alert.public_id]))
    rows = AlertNotification.objects.filter(alert=alert, recipient=cast.therapist)
    assert all(row.seen_at for row in rows)


def test_it_lists_open_alerts_before_acknowledged_ones(cast: SimpleNamespace) -> None:
    first = raise_alert(cast.client)
    csrf_post(signed_in(cast.therapist), ack_url(first), completed_assessment())
    second = raise_alert(cast.client, 1)
    response = signed_in(cast.therapist).get(reverse("measures:alerts"))
    assert response.context["open"] == [second]
    assert response.context["done"] == [first]
    body = response.content.decode()
    assert body.index(str(second.public_id)) < body.index(str(first.public_id))


# ------------------------------------------------------------------ banners


def test_it_shows_the_banner_on_the_therapists_dashboard_until_acknowledged(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    body = http.get(DASHBOARD).content.decode()
    assert BANNER in body
    assert body.index(BANNER) < body.index("My clients by phase")  # first on the page
    assert "1 open safety alert" in body
    assert "Critical: review now" in body
    assert cast.client.display_name in body
    assert ack_url(alert) in body
    csrf_post(http, ack_url(alert), completed_assessment())
    assert BANNER not in http.get(DASHBOARD).content.decode()


def test_it_shows_the_supervisor_escalated_alerts_only(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.supervisor)
    assert BANNER not in http.get(DASHBOARD).content.decode()
    escalated(alert)
    body = http.get(DASHBOARD).content.decode()
    assert BANNER in body
    assert "Escalated to you: your supervisees" in body
    assert cast.client.display_name in body
    assert "therapist Therapist Tester" in body


def test_it_shows_the_admin_escalated_alerts_without_the_client(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.admin)
    assert BANNER not in http.get(DASHBOARD).content.decode()
    escalated(alert)
    body = http.get(DASHBOARD).content.decode()
    assert "Open alert for a client of Therapist Tester" in body
    assert cast.client.family_name not in body


def test_it_shows_no_banner_to_other_therapists(cast: SimpleNamespace) -> None:
    escalated(raise_alert(cast.client))
    assert BANNER not in signed_in(cast.colleague).get(DASHBOARD).content.decode()
    assert BANNER not in signed_in(cast.intake).get(DASHBOARD).content.decode()


def test_it_shows_the_banner_on_the_client_chart(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client, 1)
    http = signed_in(cast.therapist)
    body = http.get(reverse("clients:clinical", args=[cast.client.public_id])).content.decode()
    assert BANNER in body
    assert "Urgent: review today" in body
    assert ack_url(alert) in body
    other = make_client(cast.clinic, cast.therapist)
    assert (
        BANNER not in http.get(reverse("clients:clinical", args=[other.public_id])).content.decode()
    )


def test_it_shows_the_banner_on_the_session_note_until_acknowledged(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    note_url = reverse("ipt:note", args=[cast.note.public_id])
    body = http.get(note_url).content.decode()
    assert BANNER in body
    assert "This client has 1 open safety alert" in body
    assert body.index(BANNER) < body.index("Opening review")
    csrf_post(http, ack_url(alert), completed_assessment())
    assert BANNER not in http.get(note_url).content.decode()


def _dashboard_queries(http: object) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(DASHBOARD).status_code == 200
    return len(queries)


def test_it_keeps_the_dashboard_queries_fixed_however_many_alerts(cast: SimpleNamespace) -> None:
    raise_alert(cast.client)
    therapist, supervisor = signed_in(cast.therapist), signed_in(cast.supervisor)
    admin = signed_in(cast.admin)
    escalated(SafetyAlert.objects.get())
    before = [_dashboard_queries(http) for http in (therapist, supervisor, admin)]
    for _ in range(5):
        escalated(raise_alert(make_client(cast.clinic, cast.therapist)))
    after = [_dashboard_queries(http) for http in (therapist, supervisor, admin)]
    assert after == before
