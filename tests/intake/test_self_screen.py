"""The self-screen on the public consultation form is a real questionnaire response.

A positive item 9 raises a safety alert at submission, held by the clinic's intake
coordinators until Convert hands it to the assigned therapist (safety.md §5.1).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from rapport.clients.models import Client
from rapport.core.models import AuditEvent, OutboundEmail, Role
from rapport.intake.models import ConsultationRequest
from rapport.measures import instruments
from rapport.measures.escalation import escalate_due_alerts
from rapport.measures.models import AlertNotification, Response, SafetyAlert, SafetyPlan
from rapport.measures.services import record_response
from tests.factories import csrf_post, make_staff, signed_in
from tests.intake.public_helpers import CONCERN, details, screen, submit
from tests.measures.alerts_helpers import completed_assessment

# 09:00 in New York (the clinic's default zone), a Wednesday.
MORNING = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
INTAKE_SUBJECT = "Rapport: a consultation request needs same-day follow-up"
ESCALATED_SUBJECT = "Rapport: an unacknowledged safety alert has been escalated to you"


def _request() -> ConsultationRequest:
    return ConsultationRequest.objects.get()


def _alert() -> SafetyAlert:
    return SafetyAlert.objects.get()


def _told(alert: SafetyAlert, level: int) -> set[tuple[str, str]]:
    rows = AlertNotification.objects.filter(alert=alert, level=level)
    return {(row.recipient.username, row.channel) for row in rows}


def _convert(cast: SimpleNamespace, req: ConsultationRequest) -> Client:
    form = {
        "given_name": "Ada",
        "family_name": "Example",
        "date_of_birth": "1985-04-02",
        "therapist": cast.colleague.public_id,
        "started_on": "2026-11-18",
    }
    url = reverse("intake:convert", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, form)
    assert response.status_code == 302
    return Client.objects.get(consultation_request=req)


def _decline(cast: SimpleNamespace, req: ConsultationRequest, status: str) -> None:
    url = reverse("intake:status_change", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, {"status": status, "version": req.version})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == status


def _alert_url(alert: SafetyAlert, name: str = "measures:alert") -> str:
    return reverse(name, args=[alert.public_id])


def _may_acknowledge(user: object, alert: SafetyAlert) -> bool:
    """Through the views: the acknowledgement form opens (views.alerts.may_acknowledge)."""
    response = signed_in(user).get(_alert_url(alert, "measures:alert_acknowledge"))
    assert response.status_code in (200, 403, 404)
    return response.status_code == 200


def _listing(user: object) -> str:
    response = signed_in(user).get(reverse("measures:alerts"))
    return response.content.decode() if response.status_code == 200 else ""


@time_machine.travel(MORNING, tick=False)
def test_it_carries_a_positive_self_screen_into_the_new_clients_chart_and_alerts(
    cast: SimpleNamespace,
) -> None:
    submit(details() | screen(item9=2, others=1))
    req = _request()
    assert req.urgent
    client = _convert(cast, req)
    page = signed_in(cast.colleague).get(reverse("clients:clinical", args=[client.public_id]))
    body = page.content.decode()
    assert "No questionnaire scores yet" not in body
    assert "PHQ-9 total over time" in body
    assert "This client has 1 open safety alert" in body or "1 open safety alert" in body
    alert = SafetyAlert.objects.get(client=client)
    assert (alert.owner, alert.status, alert.item, alert.value) == (cast.colleague, "open", "q9", 2)


@time_machine.travel(MORNING, tick=False)
def test_it_stores_the_self_screen_as_a_response_with_its_alert_at_submission(
    cast: SimpleNamespace,
) -> None:
    submit(details() | screen(item9=2, others=1))
    req = _request()
    response = Response.objects.get()
    assert (response.mode, response.instrument, response.total) == ("self_screen", "phq9", 10)
    assert (response.clinic, response.client, response.subject_id) == (
        cast.clinic,
        None,
        req.public_id,
    )
    assert response.submitted_at == req.created_at == MORNING
    alert = _alert()
    assert (alert.response, alert.clinic, alert.client, alert.owner) == (
        response,
        cast.clinic,
        None,
        None,
    )
    assert (alert.subject_id, alert.severity, alert.status) == (req.public_id, "critical", "open")
    event = AuditEvent.objects.get(action="measures.response.self_screened")
    assert (event.actor, event.subject_id, event.fields) == (None, req.public_id, ["answers"])


@time_machine.travel(MORNING, tick=False)
def test_it_stores_a_negative_self_screen_without_an_alert(cast: SimpleNamespace) -> None:
    submit(details() | screen(item9=0, others=3))
    assert Response.objects.get().total == 24
    assert not SafetyAlert.objects.exists()
    assert not _request().urgent


@time_machine.travel(MORNING, tick=False)
def test_it_tells_the_clinics_active_intake_coordinators_without_phi(
    cast: SimpleNamespace,
) -> None:
    away = make_staff(cast.clinic, "away", Role.INTAKE_COORDINATOR)
    away.is_active = False
    away.save()
    make_staff(cast.other_clinic, "their_intake", Role.INTAKE_COORDINATOR)
    submit(details() | screen(item9=2, others=1))
    alert = _alert()
    assert _told(alert, 0) == {("intake", "in_app"), ("intake", "email")}
    assert AlertNotification.objects.filter(alert=alert).count() == 2
    (email,) = [e for e in OutboundEmail.objects.all() if e.recipient == cast.intake.email]
    assert email.subject == INTAKE_SUBJECT
    link = f"/measures/alerts/{alert.public_id}/"
    assert link in email.text_body
    assert link in email.html_body
    answer = next(o.label for o in instruments.get("phq9").item("q9").options if o.value == 2)
    # Whole phrases only: the link's UUID may contain any short string.
    secrets = ["Ada Example", "ada@example.com", CONCERN[:20], str(_request().public_id)]
    secrets += [answer, "PHQ-9", "critical"]
    for part in (email.subject, email.text_body, email.html_body):
        for secret in secrets:
            assert secret.lower() not in part.lower(), (secret, part)


def test_it_escalates_a_held_alert_on_the_usual_clock_to_admins_and_every_supervisor(
    cast: SimpleNamespace,
) -> None:
    # A supervisor who supervises nobody: an intake-held alert has no therapist's circle.
    make_staff(cast.clinic, "oncall", Role.SUPERVISOR)
    with time_machine.travel(MORNING, tick=False):
        submit(details() | screen(item9=2, others=1))
        submit(details(name="Bo Urgent") | screen(item9=1), http=None)
    critical = SafetyAlert.objects.get(severity="critical")
    urgent = SafetyAlert.objects.get(severity="urgent")
    assert critical.escalate_at == MORNING + timedelta(minutes=60)
    # 17:00 in New York on 18 November (EST, UTC-5) is 22:00 UTC.
    assert urgent.escalate_at == datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
    assert (critical.escalation_level, urgent.escalation_level) == (0, 0)

    with time_machine.travel(MORNING + timedelta(minutes=59), tick=False):
        assert escalate_due_alerts("worker") == 0
    with time_machine.travel(MORNING + timedelta(minutes=61), tick=False):
        assert escalate_due_alerts("worker") == 1
    critical.refresh_from_db()
    assert critical.escalation_level == 1
    assert _told(critical, 1) == {
        (user, channel)
        for user in ("supervisor", "oncall", "admin")
        for channel in ("in_app", "email")
    }
    escalated = {e.subject for e in OutboundEmail.objects.all() if e.recipient != cast.intake.email}
    assert ESCALATED_SUBJECT in escalated
    with time_machine.travel(datetime(2026, 11, 18, 22, 1, tzinfo=UTC), tick=False):
        escalate_due_alerts("worker")
    urgent.refresh_from_db()
    assert urgent.escalation_level == 1


@time_machine.travel(MORNING, tick=False)
def test_it_escalates_at_once_when_the_clinic_has_no_active_intake_coordinator(
    cast: SimpleNamespace,
) -> None:
    cast.intake.is_active = False
    cast.intake.save()
    submit(details() | screen(item9=1))
    alert = _alert()
    assert alert.escalation_level == 1
    assert _told(alert, 0) == set()
    assert {user for user, _channel in _told(alert, 1)} == {"supervisor", "admin"}


@time_machine.travel(MORNING, tick=False)
def test_it_hands_the_alert_over_to_the_assigned_therapist_at_conversion(
    cast: SimpleNamespace,
) -> None:
    submit(details() | screen(item9=2, others=1))
    req = _request()
    before = _alert()
    client = _convert(cast, req)
    alert = _alert()
    assert (alert.client, alert.owner, alert.status) == (client, cast.colleague, "open")
    assert (alert.escalate_at, alert.escalation_level) == (before.escalate_at, 0)
    assert _told(alert, 0) == {
        ("intake", "in_app"),
        ("intake", "email"),
        ("colleague", "in_app"),
        ("colleague", "email"),
    }
    episode = client.episodes.get()
    response = Response.objects.get()
    assert (response.client, response.context_id) == (client, episode.public_id)
    assert response.session_number == 0  # answered before the first session
    assert episode.baseline_phq9 == 10
    audit = {e.action: e for e in AuditEvent.objects.filter(action__startswith="measures.")}
    assert audit["measures.response.adopted"].fields == ["client", "context_id"]
    assert audit["measures.alert.adopted"].fields == ["client"]
    handed = audit["measures.alert.handed_over"]
    assert (handed.fields, handed.actor, handed.subject_id) == (
        ["owner"],
        cast.intake,
        client.public_id,
    )
    # The therapist sees it on the dashboard and may acknowledge it; intake no longer holds it.
    dashboard = signed_in(cast.colleague).get(reverse("core:dashboard")).content.decode()
    assert "1 open safety alert" in dashboard
    assert client.display_name in dashboard
    assert _may_acknowledge(cast.colleague, alert)
    assert signed_in(cast.intake).get(_alert_url(alert)).status_code == 404
    # The self-screen is the episode's baseline on its chart.
    episode_page = signed_in(cast.colleague).get(reverse("ipt:measures", args=[episode.public_id]))
    assert episode_page.status_code == 200
    chart_table = episode_page.content.decode().split("PHQ-9 scores (data table)")[1]
    assert "<td>before session 1</td>" in chart_table.split("</tr>")[1]
    # Dates along the axis, with the session numbers under them.
    assert "Date (session number below)</text>" in episode_page.content.decode()


def test_it_keeps_an_escalated_alert_on_its_clock_when_handed_over(
    cast: SimpleNamespace,
) -> None:
    with time_machine.travel(MORNING, tick=False):
        submit(details() | screen(item9=2, others=1))
    with time_machine.travel(MORNING + timedelta(minutes=61), tick=False):
        assert escalate_due_alerts("worker") == 1
    before = _alert()
    with time_machine.travel(MORNING + timedelta(minutes=70), tick=False):
        _convert(cast, _request())
    alert = _alert()
    assert alert.status == "open"
    assert (alert.escalation_level, alert.escalate_at) == (1, before.escalate_at)
    assert alert.owner == cast.colleague
    # From now on it escalates as an alert of the colleague's client: to the clinic's
    # admins and the colleague's supervisors (none), no longer to every supervisor.
    with time_machine.travel(before.escalate_at + timedelta(minutes=1), tick=False):
        assert escalate_due_alerts("worker") == 1
    assert {user for user, _channel in _told(alert, 2)} == {"admin"}


@pytest.mark.parametrize("status", ["declined", "referred"])
def test_it_keeps_the_alert_open_and_held_when_the_request_is_declined_or_referred(
    cast: SimpleNamespace, status: str
) -> None:
    with time_machine.travel(MORNING, tick=False):
        submit(details() | screen(item9=2, others=1))
        _decline(cast, _request(), status)
    alert = _alert()
    assert (alert.status, alert.client, alert.owner) == ("open", None, None)
    assert signed_in(cast.intake).get(_alert_url(alert)).status_code == 200
    with time_machine.travel(MORNING + timedelta(minutes=61), tick=False):
        assert escalate_due_alerts("worker") == 1


@time_machine.travel(MORNING, tick=False)
def test_it_shows_intake_the_alert_on_the_request_queue_dashboard_and_alert_pages(
    cast: SimpleNamespace,
) -> None:
    submit(details() | screen(item9=2, others=1))
    req, alert = _request(), _alert()
    http = signed_in(cast.intake)
    link = f'href="{_alert_url(alert)}"'

    page = http.get(reverse("intake:request", args=[req.public_id])).content.decode()
    assert "1 open safety alert, held by intake" in page
    assert "PHQ-9 question 9: More than half the days (2)." in page
    assert "Total 10 of 27: moderate." in page
    assert link in page
    # Never the wording of any question.
    assert all(str(item.text) not in page for item in instruments.get("phq9").items)

    queue = http.get(reverse("intake:queue")).content.decode()
    assert "Open safety alert" in queue
    assert link in queue

    dashboard = http.get(reverse("core:dashboard")).content.decode()
    assert "Consultation requests: contact today" in dashboard
    assert link in dashboard

    detail = http.get(_alert_url(alert)).content.decode()
    assert "Safety alert: consultation request" in detail
    assert "Consultation request from Ada Example" in detail
    assert reverse("intake:request", args=[req.public_id]) in detail
    assert "More than half the days (2)" in detail
    assert "Record the risk assessment" in detail  # intake may acknowledge it

    listing = http.get(reverse("measures:alerts")).content.decode()
    assert "Consultation requests (not yet clients)" in listing
    assert link in listing
    assert AuditEvent.objects.filter(action="measures.alert.viewed", actor=cast.intake).exists()


@time_machine.travel(MORNING, tick=False)
def test_it_shows_admins_that_a_self_screen_exists_but_not_its_answers(
    cast: SimpleNamespace,
) -> None:
    submit(details() | screen(item9=2, others=1))
    req, alert = _request(), _alert()
    http = signed_in(cast.admin)
    page = http.get(reverse("intake:request", args=[req.public_id])).content.decode()
    assert "A self-screen came with the request." in page
    for clinical in ("Total 10", "moderate", "question 9", "More than half the days", "self-harm"):
        assert clinical not in page, clinical
    assert "Open safety alert" not in http.get(reverse("intake:queue")).content.decode()
    detail = http.get(_alert_url(alert))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "More than half the days" not in body
    assert "Consultation request from" not in body
    assert "Escalation level" in body
    assert not _may_acknowledge(cast.admin, alert)


@time_machine.travel(MORNING, tick=False)
def test_it_answers_404_for_a_held_alert_outside_its_holders(cast: SimpleNamespace) -> None:
    submit(details() | screen(item9=2, others=1))
    alert = _alert()
    their_intake = make_staff(cast.other_clinic, "their_intake", Role.INTAKE_COORDINATOR)
    their_supervisor = make_staff(cast.other_clinic, "their_supervisor", Role.SUPERVISOR)
    for user in (cast.therapist, cast.colleague, cast.outsider, their_intake, their_supervisor):
        for name in ("measures:alert", "measures:alert_acknowledge"):
            response = signed_in(user).get(_alert_url(alert, name))
            assert response.status_code == 404, (user.username, name)
        assert alert.public_id.hex not in _listing(user)
    for user in (cast.intake, cast.supervisor):
        assert signed_in(user).get(_alert_url(alert)).status_code == 200
        assert _may_acknowledge(user, alert)
        assert str(alert.public_id) in _listing(user)
    # Held alerts lie outside every client scope: no client page or chart shows them.
    assert not SafetyAlert.objects.filter(client__in=Client.objects.all()).exists()


def test_it_refuses_a_clientless_response_without_its_clinic_and_subject(
    cast: SimpleNamespace,
) -> None:
    answers = {f"q{n}": 0 for n in range(1, 10)}
    with pytest.raises(TypeError):
        record_response(instrument_code="phq9", answers=answers, mode="self_screen")
    with pytest.raises(TypeError):
        record_response(
            clinic=cast.clinic, instrument_code="phq9", answers=answers, mode="self_screen"
        )
    assert not Response.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_it_stores_an_unfinished_self_screen_with_a_positive_item_9_and_its_alert(
    cast: SimpleNamespace,
) -> None:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "0800 111"}]
    cast.clinic.save()
    page = submit(details() | {"phq9-q1": "2", "phq9-q9": "2"})
    body = page.content.decode()
    assert body.index("help is available right now") < body.index("<h1")
    assert 'href="tel:0800 111"' in body
    req = _request()
    assert req.urgent
    response = Response.objects.get()
    assert (response.complete, response.total, response.band) == (False, None, "")
    assert response.answers == {"q1": 2, "q9": 2}
    alert = _alert()
    assert (alert.response, alert.value, alert.subject_id) == (response, 2, req.public_id)
    intake = signed_in(cast.intake).get(reverse("intake:request", args=[req.public_id]))
    assert "Unfinished: some questions were left unanswered" in intake.content.decode()
    # Converted, it is the episode's pending response: no baseline total is made up.
    client = _convert(cast, req)
    response.refresh_from_db()
    assert (response.client, response.context_id) == (client, client.episodes.get().public_id)
    assert client.episodes.get().baseline_phq9 is None
    assert SafetyAlert.objects.get().owner == cast.colleague


@time_machine.travel(MORNING, tick=False)
def test_it_leads_with_crisis_resources_when_a_form_with_item_9_is_sent_back(
    cast: SimpleNamespace,
) -> None:
    page = submit(details(consent_to_contact="") | screen(item9=1))
    body = page.content.decode()
    assert "Please check the form" in body
    assert body.index("help is available right now") < body.index("<h1")
    assert not ConsultationRequest.objects.exists()
    assert not Response.objects.exists()
    # Without a safety answer, a form sent back shows no crisis block.
    body = submit(details(consent_to_contact="") | screen(item9=0, others=2)).content.decode()
    assert "help is available right now" not in body


def test_it_lets_intake_acknowledge_and_carries_the_assessment_and_plan_to_the_client(
    cast: SimpleNamespace,
) -> None:
    with time_machine.travel(MORNING, tick=False):
        submit(details() | screen(item9=1))
    alert = _alert()
    url = _alert_url(alert, "measures:alert_acknowledge")
    response = csrf_post(signed_in(cast.intake), url, completed_assessment())
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.client) == (
        "acknowledged",
        cast.intake,
        None,
    )
    plan = SafetyPlan.objects.get()
    assert (plan.client, plan.subject_id) == (None, alert.subject_id)
    client = _convert(cast, _request())
    alert.refresh_from_db()
    plan.refresh_from_db()
    # Adopted as they are: the acknowledged alert is not handed over or reopened.
    assert (alert.client, alert.status, alert.owner) == (client, "acknowledged", None)
    assert plan.client == client
    assert not AlertNotification.objects.filter(recipient=cast.colleague).exists()
    events = AuditEvent.objects.filter(action="measures.safety_plan.adopted")
    assert [(e.fields, e.subject_id) for e in events] == [(["client"], client.public_id)]
    assert not AuditEvent.objects.filter(action="measures.alert.handed_over").exists()
