"""My plan in the portal: the approved summary, goals, the contract to acknowledge, the
safety plan to print, and the guardian rule (issue 11, item 4; protocol §1.8)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.models import Contract
from tests.factories import make_episode, make_portal_account, portal_signed_in, signed_in
from tests.portal import plan_helpers as h

PLAN = "/portal/plan/"


@pytest.fixture
def planned(cast: SimpleNamespace) -> SimpleNamespace:
    """cast.client's IPT-A plan: summary approved, a newer draft, two goals, contract, plan."""
    episode = h.plan_episode(cast.episode)
    h.approve_summary(episode)
    h.draft_summary(episode)
    contract = h.agree_contract(episode)
    h.write_safety_plan(episode)
    client_account = make_portal_account(cast.client)
    guardian_account = make_portal_account(
        cast.client, role="guardian", name="Pat Parent", relationship="mother"
    )
    return SimpleNamespace(
        episode=episode,
        contract=contract,
        client=portal_signed_in(client_account),
        guardian=portal_signed_in(guardian_account),
    )


def _acknowledge(http, contract: Contract, agree: bool = True) -> object:
    http.get(PLAN)
    data = {
        "contract": str(contract.public_id),
        "csrfmiddlewaretoken": http.cookies["csrftoken"].value,
    }
    if agree:
        data["agree"] = "on"
    return http.post(reverse("portal:plan_acknowledge"), data)


def test_it_lives_at_the_plan_address() -> None:
    assert reverse("portal:plan") == PLAN


def test_the_client_sees_the_approved_summary_goals_and_contract(planned) -> None:
    response = planned.client.get(PLAN)
    assert response.status_code == 200
    html = response.content.decode()
    assert h.SUMMARY in html
    assert h.DRAFT not in html  # only what the therapist approved
    assert h.SHARED_GOAL in html
    assert h.PRIVATE_GOAL in html
    assert "Grief after the death of someone close" in html  # the area in plain words
    assert "Interpersonal" not in html
    assert h.MISSED_POLICY in html
    assert "Acknowledge my agreement" in html
    assert reverse("portal:plan_safety_plan") in html
    event = AuditEvent.objects.get(action="portal.plan.viewed")
    assert event.fields == ["contract", "goals", "safety_plan", "summary"]
    assert event.subject_id == planned.episode.client.public_id


def test_the_portal_keeps_the_text_as_it_was_approved(planned) -> None:
    h.approve_summary(planned.episode, "The second approved words.")
    html = planned.client.get(PLAN).content.decode()
    assert "The second approved words." in html
    assert h.SUMMARY not in html


def test_without_an_episode_the_page_says_the_plan_comes_later(cast: SimpleNamespace) -> None:
    http = portal_signed_in(make_portal_account(cast.colleague_client))
    html = http.get(PLAN).content.decode()
    assert "Your plan will appear here" in html


def test_the_client_acknowledges_the_version_in_force(planned, cast: SimpleNamespace) -> None:
    response = _acknowledge(planned.client, planned.contract)
    assert response.status_code == 302
    planned.contract.refresh_from_db()
    assert planned.contract.portal_acknowledged_at is not None
    assert planned.contract.portal_acknowledged_by.portal_account.client == cast.client
    assert planned.contract.acknowledged_at is None  # the in-person record is the therapist's
    event = AuditEvent.objects.get(action="portal.contract.acknowledged")
    assert event.object_id == str(planned.contract.public_id)
    assert "You acknowledged this agreement here on" in planned.client.get(PLAN).content.decode()
    # The staff contract page shows it beside the in-person acknowledgement.
    page = signed_in(cast.therapist).get(reverse("ipt:contract", args=[cast.episode.public_id]))
    html = page.content.decode()
    assert "Acknowledged electronically in the client portal on" in html
    assert "Record acknowledgement in person" in html


def test_acknowledging_twice_keeps_the_first_time(planned) -> None:
    _acknowledge(planned.client, planned.contract)
    planned.contract.refresh_from_db()
    first = planned.contract.portal_acknowledged_at
    _acknowledge(planned.client, planned.contract)
    planned.contract.refresh_from_db()
    assert planned.contract.portal_acknowledged_at == first
    assert AuditEvent.objects.filter(action="portal.contract.acknowledged").count() == 1


def test_it_asks_for_the_tick_and_changes_nothing_without_it(planned) -> None:
    response = _acknowledge(planned.client, planned.contract, agree=False)
    assert response.status_code == 200
    assert "Tick the box to say you agree" in response.content.decode()
    planned.contract.refresh_from_db()
    assert planned.contract.portal_acknowledged_at is None


def test_a_changed_contract_needs_a_new_acknowledgement(planned) -> None:
    _acknowledge(planned.client, planned.contract)
    newer = h.renegotiate(planned.episode)
    home = planned.client.get(reverse("portal:home")).content.decode()
    assert "Read and acknowledge your treatment agreement" in home
    # A page opened on the old version cannot acknowledge the new one.
    Contract.objects.filter(pk=planned.contract.pk).update(portal_acknowledged_at=None)
    _acknowledge(planned.client, planned.contract)
    newer.refresh_from_db()
    assert newer.portal_acknowledged_at is None
    _acknowledge(planned.client, newer)
    newer.refresh_from_db()
    assert newer.portal_acknowledged_at is not None
    home = planned.client.get(reverse("portal:home")).content.decode()
    assert "Read and acknowledge your treatment agreement" not in home


def test_the_contract_is_due_until_acknowledged_here_or_in_person(planned) -> None:
    home = planned.client.get(reverse("portal:home")).content.decode()
    assert "Read and acknowledge your treatment agreement" in home
    Contract.objects.filter(pk=planned.contract.pk).update(
        acknowledged_at=datetime(2026, 9, 1, 10, tzinfo=UTC),
        acknowledged_how=Contract.Acknowledgement.IN_PERSON,
    )
    home = planned.client.get(reverse("portal:home")).content.decode()
    assert "Read and acknowledge your treatment agreement" not in home


def test_the_safety_plan_is_a_printable_page(planned) -> None:
    response = planned.client.get(reverse("portal:plan_safety_plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert h.WARNING_SIGN in html
    assert "css/safety-plan" in html  # its print stylesheet
    assert "data-print" in html
    assert AuditEvent.objects.filter(action="portal.safety_plan.viewed").exists()


# The guardian rule: only what the therapist marked shared; never the client's own acts.


def test_a_guardian_sees_nothing_until_something_is_shared(planned) -> None:
    html = planned.guardian.get(PLAN).content.decode()
    for private in (h.SUMMARY, h.SHARED_GOAL, h.PRIVATE_GOAL, h.MISSED_POLICY):
        assert private not in html
    assert "Nothing has been shared with you yet." in html
    assert planned.guardian.get(reverse("portal:plan_safety_plan")).status_code == 404


def test_a_guardian_sees_only_the_shared_parts(planned) -> None:
    h.share_with_guardian(planned.episode, summary=True, contract=True)
    html = planned.guardian.get(PLAN).content.decode()
    assert h.SUMMARY in html
    assert h.SHARED_GOAL in html
    assert h.PRIVATE_GOAL not in html
    assert h.MISSED_POLICY in html
    assert "Acknowledge my agreement" not in html  # only the client acknowledges
    assert planned.guardian.get(reverse("portal:plan_safety_plan")).status_code == 404
    event = AuditEvent.objects.filter(action="portal.plan.viewed").last()
    assert event.fields == ["contract", "goals", "summary"]


def test_a_guardian_opens_the_safety_plan_only_when_shared(planned) -> None:
    h.share_with_guardian(planned.episode, safety_plan=True)
    response = planned.guardian.get(reverse("portal:plan_safety_plan"))
    assert response.status_code == 200
    assert h.WARNING_SIGN in response.content.decode()


def test_a_guardian_cannot_acknowledge_for_the_client(planned) -> None:
    h.share_with_guardian(planned.episode, contract=True)
    response = _acknowledge(planned.guardian, planned.contract)
    assert response.status_code == 403
    planned.contract.refresh_from_db()
    assert planned.contract.portal_acknowledged_at is None


def test_a_guardian_is_not_told_the_contract_is_due(planned) -> None:
    h.share_with_guardian(planned.episode, contract=True)
    home = planned.guardian.get(reverse("portal:home")).content.decode()
    assert "Read and acknowledge" not in home


def test_another_client_sees_only_their_own_plan(planned, cast: SimpleNamespace) -> None:
    other = cast.colleague_client
    make_episode(other)
    http = portal_signed_in(make_portal_account(other))
    html = http.get(PLAN).content.decode()
    for private in (h.SUMMARY, h.SHARED_GOAL, h.MISSED_POLICY):
        assert private not in html
    assert h.WARNING_SIGN not in http.get(reverse("portal:plan_safety_plan")).content.decode()
    _acknowledge(http, planned.contract)
    planned.contract.refresh_from_db()
    assert planned.contract.portal_acknowledged_at is None


def test_staff_sessions_are_sent_to_the_portal_sign_in(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(PLAN)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:sign_in"))


def test_a_safety_plan_made_before_any_course_is_still_the_clients(cast: SimpleNamespace) -> None:
    from rapport.measures import safety_plans
    from rapport.measures.safety_plans import Person

    other = cast.colleague_client
    person = Person.of_client(other)
    content = safety_plans.first_draft(person) | {"warning_signs": h.WARNING_SIGN}
    safety_plans.save_version(person, content, by=cast.colleague, based_on=0)
    http = portal_signed_in(make_portal_account(other))
    assert reverse("portal:plan_safety_plan") in http.get(PLAN).content.decode()
    assert h.WARNING_SIGN in http.get(reverse("portal:plan_safety_plan")).content.decode()
    guardian = portal_signed_in(make_portal_account(other, role="guardian"))
    assert guardian.get(reverse("portal:plan_safety_plan")).status_code == 404


def _queries(http, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def test_the_plan_costs_the_same_however_long_its_history(planned) -> None:
    before = _queries(planned.client, PLAN)
    for n in range(3):
        h.approve_summary(planned.episode, f"Approved words {n}.")
        h.renegotiate(planned.episode)
        h.plan_episode(planned.episode)  # two more goals each time
    assert _queries(planned.client, PLAN) == before


def test_the_contract_leaves_out_a_focus_that_only_names_areas_clinically(planned) -> None:
    from rapport.ipt import services

    planned.contract.focus = services.default_focus(planned.episode)
    planned.contract.save(update_fields=["focus"])
    html = planned.client.get(PLAN).content.decode()
    assert "Primary problem area" not in html
    assert "Grief after the death of someone close" in html


def test_the_therapists_own_formulation_never_reaches_the_portal(planned) -> None:
    secret = "Clinician's formulation: attachment anxiety since the divorce."
    planned.episode.formulation = secret
    planned.episode.save(update_fields=["formulation"])
    h.share_with_guardian(planned.episode, summary=True, contract=True, safety_plan=True)
    for http in (planned.client, planned.guardian):
        assert secret not in http.get(PLAN).content.decode()
        assert h.DRAFT not in http.get(PLAN).content.decode()
