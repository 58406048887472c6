"""The therapist's dashboard panels: phases, notes to finish, endings, co-signing
(the day's and the week's appointments: tests/ipt/test_today.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.urls import NoReverseMatch, reverse

from rapport.core.models import AuditEvent, Supervision
from rapport.ipt.models import Contract, CosignReview, Episode, SessionNote
from tests.factories import make_client, make_episode, make_note, signed_in
from tests.page_cost import PageCost, page_cost

DASHBOARD = reverse("core:dashboard")
TODAY = date(2026, 11, 18)  # a Wednesday
NOON = datetime(2026, 11, 18, 12, tzinfo=UTC)  # the same day in every clinic time zone


def with_contract(episode: Episode, planned: int = 12, ends: date | None = None) -> Episode:
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=planned,
        start_on=date(2026, 9, 1),
        expected_end_on=ends or TODAY + timedelta(days=90),
        created_by=episode.therapist,
    )
    return episode


def attended(episode: Episode, count: int, **fields: object) -> None:
    for number in range(1, count + 1):
        fields.setdefault("status", SessionNote.Status.SIGNED)
        make_note(episode, number, held_on=date(2026, 9, 1) + timedelta(weeks=number), **fields)


def caseload(cast: SimpleNamespace, size: int) -> None:
    """``size`` more clients of the therapist, each with a contract, notes and a draft."""
    for n in range(size):
        episode = with_contract(make_episode(make_client(cast.clinic, cast.therapist)))
        attended(episode, n % 12)
        make_note(episode, 20, held_on=TODAY, status=SessionNote.Status.DRAFT)


def panel_context(response, template: str) -> dict:
    for name, panel in response.context["panels"]:
        if name == template:
            return panel
    raise AssertionError(f"no {template} panel")


@time_machine.travel(NOON)
def test_it_groups_my_clients_by_the_phase_of_their_next_session(cast: SimpleNamespace) -> None:
    in_middle = with_contract(make_episode(make_client(cast.clinic, cast.therapist)))
    attended(in_middle, 5)
    ending = with_contract(make_episode(make_client(cast.clinic, cast.therapist)))
    attended(ending, 9)
    response = signed_in(cast.therapist).get(DASHBOARD)
    phases = {
        str(label): items
        for label, items in panel_context(response, "ipt/panels/therapist.html")["phases"]
    }
    assert phases["Initial"] == [cast.episode]
    assert phases["Middle"] == [in_middle]
    assert phases["Termination"] == [ending]
    body = response.content.decode()
    assert "My clients by phase" in body
    assert "session 10 of 12" in body
    assert AuditEvent.objects.filter(action="ipt.dashboard.viewed", actor=cast.therapist).exists()


@time_machine.travel(NOON)
def test_it_lists_drafts_and_notes_a_supervisor_returned(cast: SimpleNamespace) -> None:
    returned = make_note(cast.episode, 2, held_on=TODAY)
    CosignReview.objects.create(
        note=returned, supervisor=cast.supervisor, decision="returned", comment="Add the risk plan"
    )
    signed = make_note(cast.episode, 3, status=SessionNote.Status.SIGNED)
    colleague_draft = make_note(make_episode(make_client(cast.clinic, cast.colleague)), 1)
    panel = panel_context(signed_in(cast.therapist).get(DASHBOARD), "ipt/panels/therapist.html")
    assert panel["drafts"] == [cast.note, returned]
    assert signed not in panel["drafts"]
    assert colleague_draft not in panel["drafts"]
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert body.count("Returned by your supervisor") == 1


@time_machine.travel(NOON)
def test_it_flags_contracts_in_their_last_sessions_or_last_weeks(cast: SimpleNamespace) -> None:
    last_three = with_contract(make_episode(make_client(cast.clinic, cast.therapist)))
    attended(last_three, 9)  # next is session 10 of 12
    early = with_contract(make_episode(make_client(cast.clinic, cast.therapist)))
    attended(early, 8)  # next is session 9 of 12: not yet
    by_date = with_contract(
        make_episode(make_client(cast.clinic, cast.therapist)), ends=TODAY + timedelta(days=21)
    )
    panel = panel_context(signed_in(cast.therapist).get(DASHBOARD), "ipt/panels/therapist.html")
    assert panel["nearing_end"] == sorted(
        [last_three, by_date], key=lambda e: (e.client.family_name, e.client.given_name)
    )
    assert early not in panel["nearing_end"]


def test_it_shows_empty_states(cast: SimpleNamespace) -> None:
    Episode.objects.filter(pk=cast.episode.pk).update(status=Episode.Status.CLOSED)
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert "No active IPT episodes" in body
    assert "Nothing to finish" in body
    assert "No contract is in its last three sessions" in body
    assert "Until scheduling arrives" not in body


def test_it_shows_a_supervisor_the_notes_awaiting_co_signature(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor).update(cosigns_notes=True)
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.AWAITING_COSIGN)
    response = signed_in(cast.supervisor).get(DASHBOARD)
    assert panel_context(response, "ipt/panels/cosign.html")["awaiting"] == 1
    body = response.content.decode()
    assert "1 trainee note is waiting for your co-signature." in body
    try:
        assert reverse("ipt:cosign_queue") in body
    except NoReverseMatch:  # the notes feature brings the queue; until then, no link
        assert "Open the co-sign queue" not in body
    # The supervisor holds no therapist role here: no caseload panels of their own.
    assert "My clients by phase" not in body


def test_it_counts_only_trainees_whose_notes_the_supervisor_cosigns(cast: SimpleNamespace) -> None:
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.AWAITING_COSIGN)
    body = signed_in(cast.supervisor).get(DASHBOARD).content.decode()
    assert "No trainee notes are waiting for your co-signature." in body


def test_it_shows_intake_and_admin_no_clinical_panels(cast: SimpleNamespace) -> None:
    for user in (cast.intake, cast.admin):
        response = signed_in(user).get(DASHBOARD)
        names = [name for name, _panel in response.context["panels"]]
        assert "ipt/panels/therapist.html" not in names
        assert "ipt/panels/cosign.html" not in names
        assert cast.client.display_name not in response.content.decode()


def test_it_keeps_other_therapists_clients_off_my_dashboard(cast: SimpleNamespace) -> None:
    body = signed_in(cast.colleague).get(DASHBOARD).content.decode()
    assert cast.client.display_name not in body


def _dashboard_cost(cast: SimpleNamespace) -> PageCost:
    return page_cost(signed_in(cast.therapist), DASHBOARD)


@time_machine.travel(NOON)
def test_its_query_count_does_not_grow_with_the_caseload(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor).update(cosigns_notes=True)
    caseload(cast, 2)
    small = _dashboard_cost(cast)
    caseload(cast, 18)
    large = _dashboard_cost(cast)
    assert small == large
    assert small.decrypted == 0  # names only (tests/ipt/test_dashboard_cost.py pins it)
    # Supervisors too, with more notes awaiting their co-signature.
    SessionNote.objects.filter(number=20).update(status=SessionNote.Status.AWAITING_COSIGN)
    http = signed_in(cast.supervisor)
    before = page_cost(http, DASHBOARD)
    assert "20 trainee notes are waiting" in http.get(DASHBOARD).content.decode()
    caseload(cast, 5)
    SessionNote.objects.filter(number=20).update(status=SessionNote.Status.AWAITING_COSIGN)
    assert page_cost(http, DASHBOARD) == before
    assert before.decrypted == 0


def test_it_shows_initial_phase_progress(cast) -> None:
    from django.urls import reverse

    from tests.factories import signed_in

    cast.episode.tasks.filter(code__in=["diagnosis", "psychoeducation"]).update(done=True)
    page = signed_in(cast.therapist).get(reverse("core:dashboard"))
    assert "2 of 9 initial tasks done" in page.content.decode()
