"""The dashboard costs the same queries and decrypts nothing, however large the caseload
and however long each client's history (DESIGN.md: no page grows with history)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import time_machine
from django.urls import reverse

from rapport.core.models import Supervision
from rapport.ipt.models import SessionNote
from tests.factories import make_client, make_episode, make_note, signed_in
from tests.history import past_appointments, phq9_responses, signed_notes
from tests.page_cost import PageCost, page_cost

DASHBOARD = reverse("core:dashboard")
NOON = datetime(2026, 11, 18, 12, tzinfo=UTC)


def grow(cast: SimpleNamespace, clients: int, history: int) -> None:
    """More clients of the therapist, each in treatment with a long signed history,
    plus a longer history for the cast's own client."""
    for _n in range(clients):
        episode = make_episode(make_client(cast.clinic, cast.therapist, background="Private."))
        signed_notes(episode, history)
        make_note(episode, 1, status=SessionNote.Status.AWAITING_COSIGN)
        past_appointments(episode.client, history)
        phq9_responses(episode.client, history)
    signed_notes(cast.episode, history)
    past_appointments(cast.client, history)
    phq9_responses(cast.client, history)


@time_machine.travel(NOON)
def test_the_therapist_dashboard_cost_is_pinned(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    small = page_cost(http, DASHBOARD)
    grow(cast, clients=12, history=40)
    large = page_cost(http, DASHBOARD)
    assert large == small
    # 1 session, 2 user, 3 OTP device, 4 clinic (time zone), 5 savepoint, 6 roles,
    # 7 my open alerts, 8 after-the-course check-ins to review, 9 today's and this
    # week's appointments (none here: the clinical details of a day are pinned in
    # tests/ipt/test_today.py), 10 not-on-track flags, 11 clients' requests to
    # reschedule, 12 caseload count, 13 caseload audit insert, 14 active episodes with
    # their counts, 15 drafts, 16 draft count, 17 dashboard audit insert; the
    # navigation's badges: 18 reschedule requests, 19 open alerts, 20 drafts and
    # returned notes, 21 clients' unread messages, 22 check-ins; 23 caseload page (read
    # by the template), 24 release, 25-27 session save. Names are plain columns:
    # nothing is decrypted.
    assert small == PageCost(queries=27, decrypted=0)


@time_machine.travel(NOON)
def test_it_shows_the_first_ten_of_a_long_phase_with_a_link_to_all(cast) -> None:
    grow(cast, clients=12, history=1)  # thirteen active episodes with the cast's own
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert "The first 10 of 13 are shown." in body
    assert reverse("clients:list") in body


@time_machine.travel(NOON)
def test_the_supervisor_dashboard_cost_is_pinned(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor).update(cosigns_notes=True)
    http = signed_in(cast.supervisor)
    small = page_cost(http, DASHBOARD)
    grow(cast, clients=12, history=40)
    large = page_cost(http, DASHBOARD)
    assert "12 trainee notes are waiting" in http.get(DASHBOARD).content.decode()
    assert large == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 supervisees'
    # escalated alerts, 8 escalated alerts held by intake, 9 not-on-track flags,
    # 10 supervisees' appointments today and this week, 11 supervisees' client count,
    # 12 caseload audit insert, 13 notes awaiting co-signature (count), the navigation's
    # badges: 14-15 escalated alerts held and supervised, 16 notes to co-sign;
    # 17 supervisees' clients page, 18 release, 19-21 session save.
    assert small == PageCost(queries=21, decrypted=0)
