"""Questionnaires in the portal: the link's flow, its safety workflow, its single use."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.measures.models import (
    AlertNotification,
    Invitation,
    MeasuresSettings,
    Response,
    SafetyAlert,
)
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)

CRISIS = b"This form is not monitored in real time."


@pytest.fixture
def portal(cast: SimpleNamespace) -> SimpleNamespace:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "555-0100"}]
    cast.clinic.save()
    schedule_invitation(cast.client, cast.episode)
    token = send_and_read_token()
    invitation = Invitation.objects.get(client=cast.client)
    account = make_portal_account(cast.client)
    return SimpleNamespace(
        invitation=invitation,
        token=token,
        http=portal_signed_in(account),
        url=reverse("portal:questionnaire", args=[invitation.public_id]),
    )


def _send(portal: SimpleNamespace, answers: dict) -> object:
    return csrf_post(portal.http, portal.url, post_data(answers))


def test_it_lists_the_questionnaires_due_on_home_and_their_page(
    cast: SimpleNamespace, portal: SimpleNamespace
) -> None:
    home = portal.http.get(reverse("portal:home")).content.decode()
    assert portal.url in home
    assert "Answer your questionnaires (PHQ-9, GAD-7)" in home
    listing = portal.http.get(reverse("portal:questionnaires")).content.decode()
    assert portal.url in listing


def test_it_asks_the_same_questions_as_the_link(portal: SimpleNamespace) -> None:
    page = portal.http.get(portal.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Little interest or pleasure in doing things" in html
    assert html.count('<fieldset class="question') == 10 + 8
    opened = AuditEvent.objects.get(action="measures.invitation.opened")
    assert opened.actor is not None  # the portal's own user, unlike the anonymous link


def test_it_records_the_answers_and_closes_the_emailed_link(
    cast: SimpleNamespace, portal: SimpleNamespace
) -> None:
    sent = _send(portal, {"phq9": phq9(rest=1), "gad7": gad7(1)})
    done = reverse("portal:questionnaire_done", args=[portal.invitation.public_id])
    assert sent.status_code == 302
    assert sent.url == done
    assert CRISIS not in portal.http.get(done).content
    responses = Response.objects.filter(invitation=portal.invitation)
    assert {r.mode for r in responses} == {Response.Mode.PORTAL}
    assert responses.count() == 2
    portal.invitation.refresh_from_db()
    assert portal.invitation.status == Invitation.Status.COMPLETED
    # The e-mailed link is spent, and the portal does not take answers twice.
    assert HttpClient().get(reverse("questionnaires:form", args=[portal.token])).status_code == 410
    again = _send(portal, {"phq9": phq9(rest=1), "gad7": gad7(1)})
    assert b"already answered" in again.content
    assert Response.objects.filter(invitation=portal.invitation).count() == 2
    assert portal.url not in portal.http.get(reverse("portal:home")).content.decode()


def test_it_shows_crisis_resources_and_alerts_the_therapist_on_item_9(
    cast: SimpleNamespace, portal: SimpleNamespace
) -> None:
    sent = _send(portal, {"phq9": phq9(item9=2), "gad7": gad7(0)})
    page = portal.http.get(sent.url)
    assert CRISIS in page.content
    assert b"555-0100" in page.content
    alert = SafetyAlert.objects.get(client=cast.client)
    assert alert.owner == cast.therapist
    assert alert.status == SafetyAlert.Status.OPEN
    assert AlertNotification.objects.filter(alert=alert, recipient=cast.therapist).exists()


def test_it_stores_a_partial_answer_with_item_9_and_asks_only_the_rest(
    cast: SimpleNamespace, portal: SimpleNamespace
) -> None:
    partial = {"phq9": {"q1": 1, "q9": 1}}
    page = _send(portal, partial)
    assert page.status_code == 200
    assert CRISIS in page.content
    assert b"your answers so far are sent" in page.content
    stored = Response.objects.get(invitation=portal.invitation, instrument="phq9")
    assert not stored.complete
    assert SafetyAlert.objects.filter(response=stored).exists()
    rest = portal.http.get(portal.url).content.decode()
    assert 'name="phq9-q1"' not in rest
    assert 'name="phq9-q2"' in rest
    # The rest, answered: the invitation closes; item 9 raises no second alert.
    finish = {"phq9": {f"q{n}": 1 for n in range(2, 9)} | {"difficulty": 1}, "gad7": gad7(0)}
    done = _send(portal, finish)
    assert done.status_code == 302
    assert CRISIS in portal.http.get(done.url).content
    portal.invitation.refresh_from_db()
    assert portal.invitation.status == Invitation.Status.COMPLETED
    assert SafetyAlert.objects.filter(client=cast.client).count() == 1


def test_it_stores_nothing_when_questions_are_left_without_a_safety_answer(
    portal: SimpleNamespace,
) -> None:
    page = _send(portal, {"phq9": {"q1": 1}})
    assert page.status_code == 200
    assert b"Please check your answers" in page.content
    assert not Response.objects.exists()


def test_it_refuses_another_clients_invitation(cast: SimpleNamespace) -> None:
    schedule_invitation(cast.colleague_client, cast.episode)
    theirs = Invitation.objects.get(client=cast.colleague_client)
    http = portal_signed_in(make_portal_account(cast.client))
    assert http.get(reverse("portal:questionnaire", args=[theirs.public_id])).status_code == 404


@pytest.mark.parametrize(
    "name", ["portal:questionnaires", "portal:progress", "portal:after_course", "portal:self_check"]
)
def test_it_refuses_a_guardian(cast: SimpleNamespace, name: str) -> None:
    guardian = make_portal_account(cast.client, role="guardian", email="parent@example.com")
    assert portal_signed_in(guardian).get(reverse(name)).status_code == 403


def test_it_refuses_a_guardian_the_questionnaire_itself(
    cast: SimpleNamespace, portal: SimpleNamespace
) -> None:
    guardian = make_portal_account(cast.client, role="guardian", email="parent@example.com")
    http = portal_signed_in(guardian)
    assert http.get(portal.url).status_code == 403
    assert portal.url not in http.get(reverse("portal:home")).content.decode()


# ---------------------------------------------------------------- progress


def _scores(cast: SimpleNamespace, *totals: int) -> None:
    from rapport.measures.services import record_response

    for total in totals:
        answers = {f"q{n}": 0 for n in range(1, 10)} | {"difficulty": 1}
        for n in range(1, total + 1):
            answers[f"q{(n - 1) % 8 + 1}"] += 1
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=answers,
            mode=Response.Mode.IN_SESSION,
            context_id=cast.episode.public_id,
        )


def test_it_hides_scores_unless_the_clinic_shows_them(cast: SimpleNamespace) -> None:
    _scores(cast, 14, 8)
    http = portal_signed_in(make_portal_account(cast.client))
    page = http.get(reverse("portal:progress")).content.decode()
    assert "<svg" not in page
    assert "does not show questionnaire scores" in page
    assert (
        reverse("portal:progress")
        not in http.get(reverse("portal:questionnaires")).content.decode()
    )


def test_it_charts_scores_in_plain_words_when_the_clinic_allows(cast: SimpleNamespace) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"portal_score_history": True}
    )
    _scores(cast, 14, 8)
    http = portal_signed_in(make_portal_account(cast.client))
    page = http.get(reverse("portal:progress")).content.decode()
    assert 'role="img"' in page
    assert "moderate" in page
    assert "mild" in page
    assert "caseness" not in page.lower()
    assert "reliable" not in page.lower()
    assert "Baseline" not in page  # the chart's words; its parts keep their class names
    assert ">baseline" not in page
    assert "your first score 14" in page
    assert "-6" in page  # the table: since the first score
    assert AuditEvent.objects.filter(action="measures.outcomes.viewed_in_portal").exists()


def test_the_score_table_marks_imported_scores_in_the_clients_language(
    cast: SimpleNamespace,
) -> None:
    from rapport.measures.imported import record_imported
    from rapport.measures.instruments import get

    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"portal_score_history": True}
    )
    record_imported(
        client=cast.client,
        instrument=get("phq9"),
        answers={f"q{n}": 1 for n in range(1, 10)} | {"difficulty": 1},
        total=None,
        submitted_at=timezone.now() - timedelta(days=400),
        entered_by=cast.therapist,
        import_id=uuid.uuid4(),
        source_detail="CSV row 2",
    )
    _scores(cast, 8)
    http = portal_signed_in(make_portal_account(cast.client))
    page = http.get(reverse("portal:progress")).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "imported" not in rows[0]  # newest first: the score answered here
    assert ">imported</span>" in rows[1]
    csrf_post(http, reverse("portal:language"), {"language": "es"})
    page = http.get(reverse("portal:progress")).content.decode()
    assert ">importado</span>" in page


def test_it_lets_the_admin_turn_score_history_on(cast: SimpleNamespace) -> None:
    admin = signed_in(cast.admin)
    page = admin.get(reverse("core:clinic_settings")).content.decode()
    assert "Clients see their own scores over time in the portal" in page
    data = {
        "section": "questionnaires",
        "questionnaires-invitation_hours_before": 24,
        "questionnaires-invitation_valid_hours": 72,
        "questionnaires-portal_score_history": "on",
    }
    csrf_post(admin, reverse("core:clinic_settings"), data)
    assert MeasuresSettings.objects.get(clinic=cast.clinic).portal_score_history
    event = AuditEvent.objects.filter(action="measures.settings.updated").last()
    assert "portal_score_history: off → on" in event.fields


# ---------------------------------------------------------------- after the course


def _finish_course(cast: SimpleNamespace, *, last_phq9: int | None = 4) -> object:
    from datetime import date

    from rapport.ipt.models import Episode, MaintenancePlan

    if last_phq9 is not None:
        _scores(cast, 15, last_phq9)
    Episode.objects.filter(pk=cast.episode.pk).update(
        status=Episode.Status.CLOSED,
        closed_on=date(2026, 11, 20),
        close_reason=Episode.CloseReason.COMPLETED,
    )
    return MaintenancePlan.objects.create(
        episode=cast.episode,
        gains="I talk to my sister again.",
        warning_signs="Staying in bed past ten.",
        coping_strategies="A walk with a friend.",
        supports="My sister; my GP.",
        decision=MaintenancePlan.Decision.NONE,
        updated_by=cast.therapist,
    )


def _check_in(http: HttpClient, answers: dict) -> object:
    return csrf_post(http, reverse("portal:self_check"), post_data({"phq9": answers}))


def test_it_keeps_the_maintenance_plan_in_view_after_the_course(cast: SimpleNamespace) -> None:
    http = portal_signed_in(make_portal_account(cast.client))
    during = http.get(reverse("portal:after_course")).content.decode()
    assert "Staying in bed" not in during
    assert reverse("portal:after_course") not in http.get(reverse("portal:home")).content.decode()
    _finish_course(cast)
    home = http.get(reverse("portal:home")).content.decode()
    assert reverse("portal:after_course") in home
    page = http.get(reverse("portal:after_course")).content.decode()
    for text in ("Staying in bed past ten.", "A walk with a friend.", "My sister; my GP."):
        assert text in page
    assert AuditEvent.objects.filter(action="ipt.maintenance_plan.viewed_in_portal").exists()


def _dashboard(user: object) -> str:
    return signed_in(user).get(reverse("core:dashboard")).content.decode()


def test_it_tells_the_therapist_when_a_check_in_reaches_caseness(cast: SimpleNamespace) -> None:
    from rapport.core.models import OutboundEmail
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    http = portal_signed_in(make_portal_account(cast.client))
    before = OutboundEmail.objects.count()
    sent = _check_in(http, phq9(rest=2))  # 16
    check = SelfCheck.objects.get(client=cast.client)
    assert sent.url == reverse("portal:self_check_result", args=[check.public_id])
    assert set(check.reasons) == {"caseness", "worsened"}
    assert check.response.mode == Response.Mode.PORTAL
    page = http.get(sent.url).content.decode()
    assert "Ask for a booster session" in page
    emails = list(OutboundEmail.objects.order_by("pk")[before:])
    assert [e.recipient for e in emails] == [cast.therapist.email]
    assert "16" not in emails[0].subject + emails[0].text_body
    assert cast.client.given_name not in emails[0].text_body
    _check_in(http, phq9(rest=2))  # again before the therapist has looked: no second e-mail
    assert OutboundEmail.objects.count() == before + 1
    dashboard = _dashboard(cast.therapist)
    assert "a check-in in the portal needs your review" in dashboard
    assert "PHQ-9 16" in dashboard
    # The navigation's count, then each marked seen: off the list and the count.
    assert "2 check-ins after the course to review" in dashboard
    therapist = signed_in(cast.therapist)
    for each in SelfCheck.objects.all():
        csrf_post(therapist, reverse("measures:self_check_seen", args=[each.public_id]))
    dashboard = _dashboard(cast.therapist)
    assert "a check-in in the portal needs your review" not in dashboard
    assert "after the course to review" not in dashboard
    check.refresh_from_db()
    assert check.seen_by == cast.therapist


def test_it_counts_a_reliable_worsening_below_caseness(cast: SimpleNamespace) -> None:
    from rapport.measures.models import SelfCheck

    _finish_course(cast, last_phq9=2)
    _check_in(portal_signed_in(make_portal_account(cast.client)), phq9(rest=1))  # 8
    assert SelfCheck.objects.get().reasons == ["worsened"]


def test_it_tells_no_one_when_the_check_in_is_calm(cast: SimpleNamespace) -> None:
    from rapport.core.models import OutboundEmail
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    before = OutboundEmail.objects.count()
    http = portal_signed_in(make_portal_account(cast.client))
    page = http.get(_check_in(http, phq9(rest=0)).url)
    assert SelfCheck.objects.get().reasons == []
    assert OutboundEmail.objects.count() == before
    assert CRISIS not in page.content
    assert "a check-in in the portal" not in _dashboard(cast.therapist)


def test_it_raises_the_safety_alert_on_item_9_in_a_check_in(cast: SimpleNamespace) -> None:
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    http = portal_signed_in(make_portal_account(cast.client))
    # Item 9 with other questions unanswered: stored at once, as on the link.
    sent = _check_in(http, {"q9": 1})
    assert CRISIS in http.get(sent.url).content
    check = SelfCheck.objects.get()
    assert "safety" in check.reasons
    assert not check.response.complete
    assert SafetyAlert.objects.get(response=check.response).owner == cast.therapist


def test_it_sends_a_booster_request_to_the_therapist_and_intake(cast: SimpleNamespace) -> None:
    from rapport.core.models import OutboundEmail
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    http = portal_signed_in(make_portal_account(cast.client))
    result = _check_in(http, phq9(rest=0)).url
    check = SelfCheck.objects.get()
    before = OutboundEmail.objects.count()
    csrf_post(http, reverse("portal:booster_request", args=[check.public_id]))
    csrf_post(http, reverse("portal:booster_request", args=[check.public_id]))  # once only
    recipients = {e.recipient for e in OutboundEmail.objects.order_by("pk")[before:]}
    assert recipients == {cast.therapist.email, cast.intake.email}
    assert "You asked for a booster session" in http.get(result).content.decode()
    assert "The client asks for a booster session." in _dashboard(cast.therapist)
    intake = _dashboard(cast.intake)
    assert "Booster sessions to book" in intake
    assert cast.client.display_name in intake
    assert "PHQ-9" not in intake
    csrf_post(signed_in(cast.intake), reverse("measures:booster_handled", args=[check.public_id]))
    assert "Booster sessions to book" not in _dashboard(cast.intake)


def test_it_refuses_a_check_in_before_the_course_ends(cast: SimpleNamespace) -> None:
    from rapport.measures.models import SelfCheck

    http = portal_signed_in(make_portal_account(cast.client))
    assert _check_in(http, phq9(rest=2)).status_code == 302
    assert not SelfCheck.objects.exists()


def test_it_hides_another_clients_check_in(cast: SimpleNamespace) -> None:
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    http = portal_signed_in(make_portal_account(cast.client))
    _check_in(http, phq9(rest=0))
    check = SelfCheck.objects.get()
    other = portal_signed_in(make_portal_account(cast.colleague_client))
    url = reverse("portal:self_check_result", args=[check.public_id])
    assert other.get(url).status_code == 404
    booster = reverse("portal:booster_request", args=[check.public_id])
    assert csrf_post(other, booster).status_code == 404
    # The colleague is not the therapist: the seen act answers 404 too.
    seen = reverse("measures:self_check_seen", args=[check.public_id])
    assert csrf_post(signed_in(cast.colleague), seen).status_code == 404


def _therapist_leaves(cast: SimpleNamespace) -> None:
    cast.therapist.is_active = False
    cast.therapist.save()


def test_a_check_in_without_a_therapist_reaches_the_intake_coordinators(
    cast: SimpleNamespace,
) -> None:
    from rapport.clients.models import Client
    from rapport.core.models import OutboundEmail
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    _therapist_leaves(cast)
    account = make_portal_account(cast.client)
    account.language = "es"  # staff e-mails stay English
    account.save()
    http = portal_signed_in(account)
    before = OutboundEmail.objects.count()
    sent = _check_in(http, phq9(rest=2))  # 16
    emails = list(OutboundEmail.objects.order_by("pk")[before:])
    assert [e.recipient for e in emails] == [cast.intake.email]
    assert emails[0].subject == "Rapport: a client's check-in has no therapist to review it"
    assert reverse("core:dashboard") in emails[0].text_body
    for phi in ("16", cast.client.given_name, cast.client.family_name):
        assert phi not in emails[0].subject + emails[0].text_body
    assert "Ya se le avisó a la clínica" in http.get(sent.url).content.decode()

    dashboard = _dashboard(cast.intake)
    assert "Check-ins with no therapist to review them" in dashboard
    assert cast.client.display_name in dashboard
    assert "PHQ-9" not in dashboard  # a name and a date: no score, no reason
    assert "1 check-in after the course to review" in dashboard
    assert "no therapist to review" not in _dashboard(cast.admin)  # intake holds it

    # A therapist is assigned: the check-in now waits for them, and leaves intake's list.
    Client.objects.filter(pk=cast.client.pk).update(assigned_therapist=cast.colleague)
    assert "no therapist to review" not in _dashboard(cast.intake)
    assert "a check-in in the portal needs your review" in _dashboard(cast.colleague)
    check = SelfCheck.objects.get()
    csrf_post(
        signed_in(cast.colleague), reverse("measures:self_check_seen", args=[check.public_id])
    )
    check.refresh_from_db()
    assert check.seen_by == cast.colleague


def test_without_therapist_or_coordinator_the_clinic_admins_are_told(
    cast: SimpleNamespace,
) -> None:
    from rapport.core.models import OutboundEmail
    from rapport.measures.models import SelfCheck

    _finish_course(cast)
    _therapist_leaves(cast)
    cast.intake.staff_roles.all().delete()
    http = portal_signed_in(make_portal_account(cast.client))
    before = OutboundEmail.objects.count()
    _check_in(http, phq9(rest=2))
    check = SelfCheck.objects.get()
    csrf_post(http, reverse("portal:booster_request", args=[check.public_id]))
    emails = list(OutboundEmail.objects.order_by("pk")[before:])
    assert [(e.recipient, e.subject) for e in emails] == [
        (cast.admin.email, "Rapport: a client's check-in has no therapist to review it"),
        (cast.admin.email, "Rapport: a client asks for a booster session"),
    ]

    dashboard = _dashboard(cast.admin)
    assert "Check-ins with no therapist to review them" in dashboard
    assert "The client asks for a booster session." in dashboard
    assert "PHQ-9" not in dashboard
    assert "1 check-in after the course to review" in dashboard
    admin = signed_in(cast.admin)
    csrf_post(admin, reverse("measures:booster_handled", args=[check.public_id]))
    check.refresh_from_db()
    assert check.booster_handled_by == cast.admin
    assert "The client asks for a booster session." not in _dashboard(cast.admin)
    assert "Check-ins with no therapist to review them" in _dashboard(cast.admin)


def test_a_calm_check_in_without_a_therapist_tells_no_one(cast: SimpleNamespace) -> None:
    from rapport.core.models import OutboundEmail

    _finish_course(cast)
    _therapist_leaves(cast)
    http = portal_signed_in(make_portal_account(cast.client))
    before = OutboundEmail.objects.count()
    page = http.get(_check_in(http, phq9(rest=0)).url).content.decode()
    assert OutboundEmail.objects.count() == before
    assert "Your answers are saved." in page
    assert "no therapist to review" not in _dashboard(cast.intake)


# ---------------------------------------------------------------- page cost


def _queries(http: HttpClient, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_it_costs_the_same_queries_however_long_the_history(cast: SimpleNamespace) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"portal_score_history": True}
    )
    http = portal_signed_in(make_portal_account(cast.client))
    _scores(cast, 14, 8)
    schedule_invitation(cast.client, cast.episode)
    send_and_read_token()
    names = ("portal:questionnaires", "portal:progress", "portal:home")
    for name in names:  # the session's first page reads what later pages keep
        http.get(reverse(name))
    short = {name: _queries(http, reverse(name)) for name in names}
    _scores(cast, *range(1, 20))
    for session in range(3, 8):
        schedule_invitation(cast.client, cast.episode, session_number=session)
    from rapport.measures.invitations import send_due_invitations

    send_due_invitations("test-worker")
    long = {name: _queries(http, reverse(name)) for name in short}
    assert long == short
