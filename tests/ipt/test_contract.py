"""The treatment contract: defaults (§4.2), limits (§4.1), renegotiation and acknowledgement."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt import catalogue, services
from rapport.ipt.models import Contract, Episode
from tests.factories import csrf_post, make_client, make_episode, make_note, signed_in
from tests.ipt.test_initial import agree_contract


def _url(name: str, cast: SimpleNamespace) -> str:
    return reverse(f"ipt:{name}", args=[cast.episode.public_id])


def _with_area(episode: Episode, area: str = "role_dispute", secondary: str = "") -> Episode:
    Episode.objects.filter(pk=episode.pk).update(
        primary_problem_area=area, secondary_problem_area=secondary
    )
    episode.refresh_from_db()
    return episode


def _create_data(**changes: object) -> dict[str, object]:
    data = {
        "planned_sessions": 12,
        "frequency": "weekly",
        "session_minutes": 50,
        "start_on": "2026-09-01",
        "expected_end_on": "",
        "focus": "Role dispute with Sam.",
        "missed_session_policy": "Tell us a day ahead.",
    }
    return data | changes


def _reneg_data(contract: Contract, **changes: object) -> dict[str, object]:
    data = {
        "kind": "extension",
        "planned_sessions": contract.planned_sessions,
        "frequency": contract.frequency,
        "session_minutes": contract.session_minutes,
        "expected_end_on": "",
        "focus": contract.focus,
        "missed_session_policy": contract.missed_session_policy,
        "reason": "Agreed: the dispute is moving but needs more time.",
        "based_on": contract.version,
    }
    return data | changes


@pytest.mark.parametrize(
    ("fields", "planned", "reason"),
    [
        ({}, 12, "No baseline PHQ-9 is recorded"),
        ({"baseline_phq9": 15}, 12, "The baseline PHQ-9 is 15 (under 16)"),
        ({"baseline_phq9": 16}, 16, "The baseline PHQ-9 is 16 (16 or more)"),
        ({"clinician_rated_severe": True}, 16, "You rated the depression severe"),
        (
            {"variant": catalogue.Variant.ADOLESCENT, "baseline_phq9": 20},
            12,
            "IPT-A for adolescents (Mufson et al.): a 12-session course by default.",
        ),
    ],
)
def test_the_form_defaults_the_planned_sessions_and_says_why(
    cast: SimpleNamespace, fields: dict, planned: int, reason: str
) -> None:
    episode = _with_area(make_episode(make_client(cast.clinic, cast.therapist), **fields))
    url = reverse("ipt:contract_create", args=[episode.public_id])
    response = signed_in(cast.therapist).get(url)
    form = response.context["form"]
    assert form["planned_sessions"].value() == planned
    assert form["session_minutes"].value() == 50
    assert reason in response.content.decode()


def test_the_focus_defaults_to_the_chosen_areas(cast: SimpleNamespace) -> None:
    _with_area(cast.episode, "role_dispute", "role_transition")
    form = signed_in(cast.therapist).get(_url("contract_create", cast)).context["form"]
    assert (
        form["focus"].value() == "Primary problem area: Role dispute. Secondary: Role transition."
    )


def test_it_creates_the_initial_contract_with_a_computed_end(cast: SimpleNamespace) -> None:
    _with_area(cast.episode)
    response = csrf_post(signed_in(cast.therapist), _url("contract_create", cast), _create_data())
    assert response.status_code == 302
    contract = cast.episode.contracts.get()
    assert (contract.version, contract.kind, contract.planned_sessions) == (1, "initial", 12)
    # Twelve weekly sessions from 1 September: the last is eleven weeks later.
    assert contract.expected_end_on == date(2026, 11, 17)
    assert contract.focus == "Role dispute with Sam."
    assert contract.created_by == cast.therapist
    event = AuditEvent.objects.get(action="ipt.contract.created")
    assert event.object_id == str(contract.public_id)
    assert "focus" in event.fields


@pytest.mark.parametrize("planned", [11, 17])
def test_the_initial_acute_contract_is_12_to_16_sessions(
    cast: SimpleNamespace, planned: int
) -> None:
    _with_area(cast.episode)
    data = _create_data(planned_sessions=planned)
    response = csrf_post(signed_in(cast.therapist), _url("contract_create", cast), data)
    assert response.status_code == 200
    assert response.context["form"].errors["planned_sessions"] == [
        "An initial acute contract is for 12 to 16 sessions; change the number later by "
        "renegotiating."
    ]
    assert "Role dispute with Sam." in response.content.decode()
    assert not Contract.objects.exists()


def test_a_maintenance_contract_may_plan_fewer_sessions(cast: SimpleNamespace) -> None:
    episode = _with_area(
        make_episode(make_client(cast.clinic, cast.therapist), episode_type="maintenance")
    )
    url = reverse("ipt:contract_create", args=[episode.public_id])
    data = _create_data(planned_sessions=6, frequency="monthly")
    assert csrf_post(signed_in(cast.therapist), url, data).status_code == 302
    assert episode.contracts.get().expected_end_on == date(2027, 2, 1)


def test_the_expected_end_cannot_precede_the_start(cast: SimpleNamespace) -> None:
    _with_area(cast.episode)
    data = _create_data(expected_end_on="2026-08-01")
    response = csrf_post(signed_in(cast.therapist), _url("contract_create", cast), data)
    assert response.context["form"].errors["expected_end_on"] == [
        "The expected end cannot be before the start."
    ]


def test_a_contract_needs_a_primary_problem_area_first(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    response = http.get(_url("contract_create", cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "A primary problem area comes first" in html
    assert f'href="{_url("formulation", cast)}"' in html
    csrf_post(http, _url("contract_create", cast), _create_data())
    assert not Contract.objects.exists()
    page = http.get(_url("contract", cast)).content.decode()
    assert "choose a primary problem area first" in page


def test_a_second_initial_contract_is_refused(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    response = csrf_post(signed_in(cast.therapist), _url("contract_create", cast), _create_data())
    assert response.status_code == 302
    assert response.url == _url("contract", cast)
    assert cast.episode.contracts.count() == 1


def _renegotiate(cast: SimpleNamespace, **changes: object) -> object:
    current = cast.episode.current_contract
    data = _reneg_data(current, **changes)
    return csrf_post(signed_in(cast.therapist), _url("contract_renegotiate", cast), data)


def test_an_extension_of_up_to_four_sessions_adds_a_version(cast: SimpleNamespace) -> None:
    first = agree_contract(cast.episode)
    response = _renegotiate(cast, planned_sessions=16)
    assert response.status_code == 302
    current = cast.episode.current_contract
    assert (current.version, current.kind, current.planned_sessions) == (2, "extension", 16)
    assert current.reason == "Agreed: the dispute is moving but needs more time."
    assert current.start_on == first.start_on
    # Versions are never edited: the first stays as agreed.
    first_again = Contract.objects.get(pk=first.pk)
    assert (first_again.planned_sessions, first_again.kind) == (12, "initial")
    event = AuditEvent.objects.get(action="ipt.contract.renegotiated")
    assert event.object_id == str(current.public_id)
    assert event.fields == ["expected_end_on", "kind", "planned_sessions", "reason"]


def test_an_extension_beyond_four_is_refused_unless_severe(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    response = _renegotiate(cast, planned_sessions=17)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["planned_sessions"]
    assert message.startswith(
        "Extensions may add at most 4 sessions to the initial contract of 12 (this would add 5)."
    )
    assert cast.episode.contracts.count() == 1
    Episode.objects.filter(pk=cast.episode.pk).update(baseline_phq9=18)
    assert _renegotiate(cast, planned_sessions=17).status_code == 302
    assert cast.episode.current_contract.planned_sessions == 17


def test_extensions_count_from_the_initial_contract(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    assert _renegotiate(cast, planned_sessions=14).status_code == 302
    response = _renegotiate(cast, planned_sessions=17)
    assert "this would add 5" in response.content.decode()
    Episode.objects.filter(pk=cast.episode.pk).update(clinician_rated_severe=True)
    assert _renegotiate(cast, planned_sessions=17).status_code == 302


def test_an_extension_must_add_sessions(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    response = _renegotiate(cast, planned_sessions=12)
    assert response.context["form"].errors["planned_sessions"] == [
        "An extension must plan more than the current 12 sessions."
    ]


def test_a_renegotiation_needs_a_reason(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    response = _renegotiate(cast, planned_sessions=14, reason="")
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert cast.episode.contracts.count() == 1


def test_a_taper_makes_sessions_less_frequent(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    refused = _renegotiate(cast, kind="taper", frequency="twice_weekly")
    assert refused.context["form"].errors["frequency"] == [
        "A taper must make sessions less frequent than now (weekly)."
    ]
    assert _renegotiate(cast, kind="taper", frequency="fortnightly").status_code == 302
    assert cast.episode.current_contract.frequency == "fortnightly"


def test_an_early_end_plans_fewer_sessions_but_not_fewer_than_held(
    cast: SimpleNamespace,
) -> None:
    agree_contract(cast.episode)
    for number in range(2, 9):
        make_note(cast.episode, number)
    held = _renegotiate(cast, kind="early_end", planned_sessions=6)
    assert held.context["form"].errors["planned_sessions"] == [
        "8 sessions have already been held; plan at least that many."
    ]
    more = _renegotiate(cast, kind="early_end", planned_sessions=13)
    assert "An early end must plan fewer" in more.content.decode()
    assert _renegotiate(cast, kind="early_end", planned_sessions=9).status_code == 302


def test_a_change_that_changes_nothing_is_refused(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    response = _renegotiate(cast, kind="other")
    assert "Nothing in the contract changes" in response.content.decode()
    assert _renegotiate(cast, kind="other", session_minutes=45).status_code == 302


def test_a_renegotiation_over_a_newer_version_is_refused(cast: SimpleNamespace) -> None:
    first = agree_contract(cast.episode)
    stale = _reneg_data(first, planned_sessions=14)
    assert _renegotiate(cast, planned_sessions=13).status_code == 302
    response = csrf_post(signed_in(cast.therapist), _url("contract_renegotiate", cast), stale)
    assert response.status_code == 200
    assert "renegotiated by someone else while you were editing" in response.content.decode()
    assert cast.episode.current_contract.planned_sessions == 13


def test_renegotiating_without_a_contract_leads_to_the_initial_one(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(_url("contract_renegotiate", cast))
    assert response.status_code == 302
    assert response.url == _url("contract_create", cast)


def test_the_contract_page_shows_the_current_version_and_history_newest_first(
    cast: SimpleNamespace,
) -> None:
    agree_contract(cast.episode)
    _renegotiate(cast, planned_sessions=14)
    response = signed_in(cast.supervisor).get(_url("contract", cast))
    html = response.content.decode()
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert "Contract in force: version 2 (Extension)" in html
    assert "needs more time" in html
    assert "Renegotiate" not in html
    assert "Record acknowledgement" not in html
    assert AuditEvent.objects.filter(action="ipt.contract.viewed", actor=cast.supervisor).exists()


def test_it_records_the_clients_acknowledgement_in_person(cast: SimpleNamespace) -> None:
    contract = agree_contract(cast.episode)
    http = signed_in(cast.therapist)
    page = http.get(_url("contract", cast)).content.decode()
    assert f'action="{_url("contract_acknowledge", cast)}" data-confirm=' in page
    data = {"contract": str(contract.public_id)}
    assert csrf_post(http, _url("contract_acknowledge", cast), data).status_code == 302
    contract.refresh_from_db()
    assert contract.acknowledged_at is not None
    assert contract.acknowledged_how == "in_person"
    first_time = contract.acknowledged_at
    csrf_post(http, _url("contract_acknowledge", cast), data)
    contract.refresh_from_db()
    assert contract.acknowledged_at == first_time
    assert AuditEvent.objects.filter(action="ipt.contract.acknowledged").count() == 1


def test_acknowledging_a_superseded_version_is_refused(cast: SimpleNamespace) -> None:
    first = agree_contract(cast.episode)
    _renegotiate(cast, planned_sessions=14)
    data = {"contract": str(first.public_id)}
    response = csrf_post(signed_in(cast.therapist), _url("contract_acknowledge", cast), data)
    assert response.status_code == 302
    assert not Contract.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("intake", 403), ("colleague", 404)]
)
def test_only_the_therapist_writes_the_contract(
    cast: SimpleNamespace, role: str, status: int
) -> None:
    contract = agree_contract(cast.episode)
    http = signed_in(getattr(cast, role))
    reneg = csrf_post(
        http, _url("contract_renegotiate", cast), _reneg_data(contract, planned_sessions=14)
    )
    ack = csrf_post(http, _url("contract_acknowledge", cast), {"contract": str(contract.public_id)})
    assert (reneg.status_code, ack.status_code) == (status, status)
    assert cast.episode.contracts.count() == 1
    assert Contract.objects.get().acknowledged_at is None


@pytest.mark.parametrize(
    ("frequency", "sessions", "end"),
    [
        ("weekly", 12, date(2026, 11, 17)),
        ("fortnightly", 4, date(2026, 10, 13)),
        ("twice_weekly", 3, date(2026, 9, 8)),
        ("monthly", 3, date(2026, 11, 1)),
        ("weekly", 1, date(2026, 9, 1)),
    ],
)
def test_the_expected_end_follows_the_frequency(frequency: str, sessions: int, end: date) -> None:
    assert services.expected_end(date(2026, 9, 1), sessions, frequency) == end


def test_monthly_sessions_from_the_31st_land_on_the_last_day_of_short_months() -> None:
    assert services.expected_end(date(2026, 1, 31), 2, "monthly") == date(2026, 2, 28)


def test_the_error_summary_links_to_the_first_choice_of_a_missing_kind(
    cast: SimpleNamespace,
) -> None:
    agree_contract(cast.episode)
    response = _renegotiate(cast, kind="")
    html = response.content.decode()
    assert '<a href="#id_kind_0">What changes: This field is required.</a>' in html
    assert 'id="id_kind_0"' in html
