"""Safety plans: versions, the seven-day rule, their pages and the printable copy (§5.1 step 4)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.measures import safety, safety_plans
from rapport.measures.models import Response, SafetyPlan
from rapport.measures.safety_plans import CONTENT, Person, PlanConflict
from rapport.measures.services import record_response
from tests.factories import csrf_post, make_client, signed_in
from tests.measures.alerts_helpers import SAFETY_PLAN, phq9_answers, plan_fields

HOME = "Staying in bed all day"


def person(cast: SimpleNamespace) -> Person:
    return Person.of_client(cast.client)


def saved(cast: SimpleNamespace, based_on: int = 0, **changes: str) -> SafetyPlan:
    return safety_plans.save_version(
        person(cast), SAFETY_PLAN | changes, by=cast.therapist, based_on=based_on
    )


def edit_url(cast: SimpleNamespace) -> str:
    return reverse("measures:safety_plan_edit", args=[cast.client.public_id])


def plan_url(cast: SimpleNamespace) -> str:
    return reverse("measures:safety_plan", args=[cast.client.public_id])


def print_url(plan: SafetyPlan) -> str:
    return reverse("measures:safety_plan_print", args=[plan.public_id])


# ------------------------------------------------------------------ versions


def test_it_adds_a_version_for_every_change_and_keeps_the_old_ones(cast: SimpleNamespace) -> None:
    first = saved(cast)
    second = saved(cast, based_on=1, means_safety="Tablets locked in the car.")
    reviewed = safety_plans.review(person(cast), by=cast.therapist, based_on=2)
    assert [(p.version, p.change) for p in (first, second, reviewed)] == [
        (1, "created"),
        (2, "updated"),
        (3, "reviewed"),
    ]
    first.refresh_from_db()
    assert first.means_safety == SAFETY_PLAN["means_safety"]
    assert reviewed.means_safety == "Tablets locked in the car."
    assert safety_plans.current(person(cast)) == reviewed


def test_it_refuses_a_save_based_on_an_old_version(cast: SimpleNamespace) -> None:
    saved(cast)
    saved(cast, based_on=1, warning_signs="Theirs")
    with pytest.raises(PlanConflict) as error:
        saved(cast, based_on=1, warning_signs="Mine")
    assert error.value.current.version == 2
    assert SafetyPlan.objects.count() == 2


def test_it_counts_a_plan_as_recent_for_seven_days(cast: SimpleNamespace) -> None:
    plan = saved(cast)
    assert safety_plans.is_recent(plan)
    assert safety_plans.is_recent(plan, plan.created_at + timedelta(days=7))
    assert not safety_plans.is_recent(plan, plan.created_at + timedelta(days=7, seconds=1))
    assert not safety_plans.is_recent(None)


def test_it_keys_a_plan_by_subject_before_there_is_a_client(cast: SimpleNamespace) -> None:
    subject = Person(clinic=cast.clinic, subject_id=uuid.uuid4())
    plan = safety_plans.save_version(subject, SAFETY_PLAN, by=cast.intake, based_on=0)
    assert (plan.client, plan.subject_id, plan.version) == (None, subject.subject_id, 1)
    assert safety_plans.current(subject) == plan
    assert safety_plans.current(person(cast)) is None
    assert not SafetyPlan.objects.visible_to(cast.therapist).exists()
    other = Person(clinic=cast.clinic, subject_id=uuid.uuid4())
    assert safety_plans.save_version(other, SAFETY_PLAN, by=cast.intake, based_on=0).version == 1


def test_an_alert_before_a_client_relies_on_the_subjects_own_plan(cast: SimpleNamespace) -> None:
    subject_id = uuid.uuid4()
    response = record_response(
        client=None,
        clinic=cast.clinic,
        subject_id=subject_id,
        instrument_code="phq9",
        answers=phq9_answers(2),
        mode=Response.Mode.SELF_SCREEN,
    )
    alert = response.alerts.get()
    subject = Person.of_alert(alert)
    assert (subject.client, subject.subject_id) == (None, subject_id)
    assessment = dict.fromkeys(safety.ACK_FIELDS, "x") | {
        "risk_level": "low",
        "follow_up_on": timezone.localdate(),
        "safety_plan": saved(cast),  # the therapist's client's plan: not this person's
    }
    with pytest.raises(safety.SafetyPlanRequired):
        safety.acknowledge(alert, assessment, by=cast.intake)
    own = safety_plans.save_version(subject, SAFETY_PLAN, by=cast.intake, based_on=0)
    assert safety.acknowledge(alert, assessment | {"safety_plan": own}, by=cast.intake)
    alert.refresh_from_db()
    assert alert.safety_plan == own


def test_it_encrypts_every_part_at_rest(cast: SimpleNamespace) -> None:
    plan = saved(cast)
    columns = ", ".join(CONTENT)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM measures_safetyplan WHERE id = %s", [plan.pk])  # noqa: S608
        stored = cursor.fetchone()
    for value, text in zip(stored, (SAFETY_PLAN[name] for name in CONTENT), strict=True):
        assert text not in value


# ------------------------------------------------------------------ its pages


def test_it_shows_the_current_plan_and_its_versions(cast: SimpleNamespace) -> None:
    saved(cast)
    saved(cast, based_on=1, warning_signs="Not answering the phone.")
    bodies = {}
    for user in (cast.therapist, cast.supervisor):
        response = signed_in(user).get(plan_url(cast))
        assert response.status_code == 200
        bodies[user.username] = body = response.content.decode()
        assert "Not answering the phone." in body
        assert HOME not in body  # version 1's text stays in version 1
        assert "Version 2, updated on" in body
        assert [plan.version for plan in response.context["history"]] == [2, 1]
    assert "Update or review the plan" in bodies["therapist"]
    assert "Update or review the plan" not in bodies["supervisor"]  # the supervisor reads
    events = AuditEvent.objects.filter(action="measures.safety_plan.viewed")
    assert {event.actor for event in events} == {cast.therapist, cast.supervisor}
    assert all(event.fields == [] for event in events)


def test_it_lets_the_therapist_make_the_first_plan(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    page = http.get(plan_url(cast)).content.decode()
    assert "This client has no safety plan yet." in page
    form = http.get(edit_url(cast)).context["form"]
    assert "Suicide &amp; Crisis Lifeline: call or text: 988" in str(form["professionals"])
    response = csrf_post(http, edit_url(cast), plan_fields())
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert (plan.version, plan.change, plan.made_in) == (1, "created", None)
    assert "Safety plan saved as version 1." in http.get(response.url).content.decode()
    event = AuditEvent.objects.get(action="measures.safety_plan.created")
    assert event.actor == cast.therapist
    assert event.subject_id == cast.client.public_id
    assert set(event.fields) == {"change", *CONTENT}


def test_it_requires_every_step_of_the_plan(cast: SimpleNamespace) -> None:
    data = plan_fields(people_to_ask="  ", reasons_for_living="")
    response = csrf_post(signed_in(cast.therapist), edit_url(cast), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"people_to_ask"}  # reasons: optional
    assert "Fill in this step with the client" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_it_records_a_review_only_when_asked(cast: SimpleNamespace) -> None:
    saved(cast)
    http = signed_in(cast.therapist)
    unchanged = csrf_post(http, edit_url(cast), plan_fields(based_on=1))
    assert "Nothing has changed" in unchanged.content.decode()
    response = csrf_post(http, edit_url(cast), plan_fields(based_on=1, reviewed=True))
    assert response.status_code == 302
    assert SafetyPlan.objects.order_by("-version").first().change == "reviewed"
    assert AuditEvent.objects.get(action="measures.safety_plan.reviewed").fields == ["change"]


def test_it_treats_line_endings_from_the_browser_as_the_same_text(cast: SimpleNamespace) -> None:
    saved(cast, coping_strategies="Walk the dog\nMusic")
    data = plan_fields(based_on=1, reviewed=True, coping_strategies="Walk the dog\r\nMusic")
    csrf_post(signed_in(cast.therapist), edit_url(cast), data)
    assert SafetyPlan.objects.order_by("-version").first().change == "reviewed"


def test_it_lets_only_the_therapist_write(cast: SimpleNamespace) -> None:
    for user, status in (
        (cast.supervisor, 403),
        (cast.intake, 403),
        (cast.admin, 403),
        (cast.colleague, 404),
        (cast.outsider, 404),
    ):
        response = csrf_post(signed_in(user), edit_url(cast), plan_fields())
        assert response.status_code == status, user
    assert not SafetyPlan.objects.exists()


def test_it_shows_the_plan_to_nobody_outside_the_clients_scope(cast: SimpleNamespace) -> None:
    plan = saved(cast)
    for user, status in (
        (cast.intake, 403),
        (cast.admin, 403),
        (cast.colleague, 404),
        (cast.outsider, 404),
    ):
        for url in (plan_url(cast), print_url(plan)):
            response = signed_in(user).get(url)
            assert response.status_code == status, (user, url)
            assert HOME.encode() not in response.content


# ------------------------------------------------------------------ the printable page


def test_it_prints_a_version_for_the_client(cast: SimpleNamespace) -> None:
    plan = saved(cast)
    url = print_url(plan)
    assert str(plan.public_id) in url
    assert cast.client.family_name not in url  # opaque ids only
    response = signed_in(cast.therapist).get(url)
    body = response.content.decode()
    assert "My safety plan" in body
    assert HOME in body
    assert "1. Warning signs that a crisis may be developing" in body
    assert "css/safety-plan.css" in body  # its print stylesheet
    assert "<script>" not in body  # strict CSP: scripts and styles from files only
    assert "style=" not in body
    event = AuditEvent.objects.get(action="measures.safety_plan.printed")
    assert (event.actor, event.object_id) == (cast.therapist, str(plan.public_id))


def test_it_says_when_a_printed_version_is_not_the_current_one(cast: SimpleNamespace) -> None:
    first = saved(cast)
    saved(cast, based_on=1, warning_signs="Newer")
    body = signed_in(cast.therapist).get(print_url(first)).content.decode()
    assert "A newer version of the plan exists." in body


def test_it_shows_where_the_plan_stands_on_the_clinical_page(cast: SimpleNamespace) -> None:
    url = reverse("clients:clinical", args=[cast.client.public_id])
    http = signed_in(cast.therapist)
    assert "Make a safety plan" in http.get(url).content.decode()
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        saved(cast)
    body = http.get(url).content.decode()
    assert "Version 1, created on" in body
    assert "More than 7 days old" in body
    assert HOME not in body  # the text stays on its own, audited page
    other = make_client(cast.clinic, cast.therapist)
    other_page = http.get(reverse("clients:clinical", args=[other.public_id])).content.decode()
    assert "No safety plan yet." in other_page
