"""The dashboard's Today panel and the navigation's needs-action badges.

The clinic is in New York (UTC-5 in November): "today" is the clinic's calendar day,
not UTC's, so appointments just before and after local midnight are the edge cases.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent, Role, Supervision
from rapport.ipt.models import Contract, CosignReview, Episode, SessionNote
from rapport.measures.models import Invitation
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_to_utc
from tests.factories import csrf_post, make_client, make_episode, make_note, make_staff, signed_in
from tests.measures.alerts_helpers import raise_alert
from tests.measures.charts_helpers import add_flag, add_series
from tests.page_cost import page_cost

DASHBOARD = reverse("core:dashboard")
TODAY = date(2026, 11, 18)  # a Wednesday
NOW = datetime(2026, 11, 18, 15, tzinfo=UTC)  # 10:00 in New York


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time in November (EST, UTC-5) as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        hours=hour + 5, minutes=minute
    )


def book(client, starts: datetime, **fields) -> Appointment:
    return Appointment.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=fields.pop("therapist", client.assigned_therapist),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        **fields,
    )


def contract(episode: Episode, planned: int = 12) -> Episode:
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=planned,
        start_on=date(2026, 9, 1),
        expected_end_on=TODAY + timedelta(days=90),
        created_by=episode.therapist,
    )
    return episode


def held(episode: Episode, count: int) -> None:
    for number in range(1, count + 1):
        make_note(
            episode,
            number,
            held_on=date(2026, 9, 1) + timedelta(weeks=number),
            status=SessionNote.Status.SIGNED,
        )


def panel(response) -> dict:
    for name, context in response.context["panels"]:
        if name == "ipt/panels/today.html":
            return context
    raise AssertionError("no Today panel")


def today_section(response) -> str:
    """The Today panel's HTML (the alert banner above it names clients too)."""
    body = response.content.decode()
    start = body.index('aria-labelledby="today-heading"')
    return body[start : body.index("</section>", start)]


def labels(rows) -> list[str]:
    return [row.label for row in rows]


def fresh_day(cast: SimpleNamespace) -> None:
    """The cast's client in their 5th session of 12 (four held), no draft on today."""
    SessionNote.objects.filter(pk=cast.note.pk).delete()
    contract(cast.episode)
    held(cast.episode, 4)


@time_machine.travel(NOW)
def test_it_lists_todays_appointments_in_time_order_with_their_course_and_markers(
    cast: SimpleNamespace,
) -> None:
    fresh_day(cast)
    other = make_client(cast.clinic, cast.therapist, given_name="Bea", family_name="Alert")
    contract(make_episode(other), planned=16)
    raise_alert(other)
    Invitation.objects.create(
        client=other,
        token_hash="0" * 64,
        status=Invitation.Status.EXPIRED,
        send_at=NOW - timedelta(days=2),
        expires_at=NOW - timedelta(hours=2),
    )
    book(other, at(TODAY, 14))
    book(cast.client, at(TODAY, 9), video_link="https://video.example/room-1")
    book(cast.client, at(TODAY, 11), status=Appointment.Status.CANCELLED)  # not on the list

    response = signed_in(cast.therapist).get(DASHBOARD)

    rows = panel(response)["today_rows"]
    assert labels(rows) == [cast.client.display_name, other.display_name]
    first, second = rows
    assert (first.session, first.planned, first.phase) == (5, 12, "Middle")
    assert not first.alert
    assert not first.measures_overdue
    assert first.can_start
    assert (second.session, second.planned, second.phase) == (1, 16, "Initial")
    assert second.alert
    assert second.measures_overdue
    body = today_section(response)
    assert body.index(cast.client.display_name) < body.index(other.display_name)
    assert "session 5 of 12" in body
    assert "Open safety alert" in body
    assert "Measures not returned" in body
    assert 'href="https://video.example/room-1"' in body
    assert reverse("ipt:note_new", args=[cast.episode.public_id]) in body
    assert "Times in America/New_York." in body
    assert "Until scheduling arrives" not in body
    assert AuditEvent.objects.filter(action="ipt.today.viewed", actor=cast.therapist).exists()


@time_machine.travel(NOW)
def test_its_button_starts_that_sessions_note_and_then_opens_it(cast: SimpleNamespace) -> None:
    fresh_day(cast)
    book(cast.client, at(TODAY, 9))
    http = signed_in(cast.therapist)
    response = csrf_post(http, reverse("ipt:note_new", args=[cast.episode.public_id]))
    note = SessionNote.objects.get(episode=cast.episode, number=5)
    assert response.url == reverse("ipt:note", args=[note.public_id])
    assert note.held_on == TODAY
    (row,) = panel(http.get(DASHBOARD))["today_rows"]
    assert row.note == note
    assert not row.can_start
    assert "Continue the note" in http.get(DASHBOARD).content.decode()


@time_machine.travel(NOW)
def test_the_day_is_the_clinics_day_around_local_midnight(cast: SimpleNamespace) -> None:
    fresh_day(cast)
    late = make_client(cast.clinic, cast.therapist, given_name="Late")
    early = make_client(cast.clinic, cast.therapist, given_name="Early")
    before = make_client(cast.clinic, cast.therapist, given_name="Before")
    book(late, at(TODAY, 23, 30))  # 04:30 UTC tomorrow: still today in New York
    book(early, at(TODAY + timedelta(days=1), 0, 15))  # 05:15 UTC tomorrow: Thursday
    book(before, at(TODAY, -1, 45))  # 23:45 yesterday, 04:45 UTC today: gone
    context = panel(signed_in(cast.therapist).get(DASHBOARD))
    assert labels(context["today_rows"]) == [late.display_name]
    assert [(day, labels(rows)) for day, rows in context["week"]] == [
        (TODAY + timedelta(days=1), [early.display_name])
    ]


@time_machine.travel(datetime(2026, 11, 23, 4, 30, tzinfo=UTC))  # Sunday 23:30 in New York
def test_on_sunday_night_the_week_is_over(cast: SimpleNamespace) -> None:
    sunday = date(2026, 11, 22)
    book(cast.client, at(sunday, 23, 40))
    book(cast.client, at(sunday + timedelta(days=1), 9))  # next Monday: next week
    response = signed_in(cast.therapist).get(DASHBOARD)
    context = panel(response)
    assert context["today"] == sunday
    assert labels(context["today_rows"]) == [cast.client.display_name]
    assert context["week"] == []
    assert "This week" not in response.content.decode()


@time_machine.travel(NOW)
def test_it_groups_the_rest_of_the_week_by_day(cast: SimpleNamespace) -> None:
    friday, thursday = TODAY + timedelta(days=2), TODAY + timedelta(days=1)
    book(cast.client, at(friday, 10))
    book(cast.client, at(thursday, 16))
    book(cast.client, at(thursday, 8))
    response = signed_in(cast.therapist).get(DASHBOARD)
    week = panel(response)["week"]
    assert [day for day, _rows in week] == [thursday, friday]
    assert [row.start.hour for row in week[0][1]] == [8, 16]
    body = response.content.decode()
    assert "No appointments booked with you today." in body
    assert "Thursday 19 November" in body


@time_machine.travel(NOW)
def test_the_day_comes_first_after_open_safety_alerts(cast: SimpleNamespace) -> None:
    responses = add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)
    add_flag(responses[-1])
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert body.index("Today,") < body.index("Clients not on track")


@time_machine.travel(NOW)
def test_it_shows_empty_states(cast: SimpleNamespace) -> None:
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert "No appointments booked with you today." in body
    assert "Nothing else booked for the rest of the week." in body


@time_machine.travel(NOW)
def test_each_role_sees_what_it_may(cast: SimpleNamespace) -> None:
    fresh_day(cast)
    raise_alert(cast.client)
    book(cast.client, at(TODAY, 9))
    colleague_row = book(cast.colleague_client, at(TODAY, 10))
    book(cast.outsider_client, at(TODAY, 11))
    book(cast.colleague_client, at(TODAY + timedelta(days=1), 10))

    # Another therapist sees their own day only.
    context = panel(signed_in(cast.colleague).get(DASHBOARD))
    assert [row.appointment for row in context["today_rows"]] == [colleague_row]
    assert [len(rows) for _day, rows in context["week"]] == [1]

    # Intake and admins: the clinic's day, names and therapists, no clinical content.
    for user in (cast.intake, cast.admin):
        response = signed_in(user).get(DASHBOARD)
        rows = panel(response)["today_rows"]
        assert labels(rows) == [cast.client.display_name, cast.colleague_client.display_name]
        assert all(row.session is None and not row.alert and not row.can_start for row in rows)
        body = response.content.decode()
        assert "session 5 of 12" not in body
        assert "Open safety alert" not in body
        assert "Start note" not in body
        assert "with Therapist Tester" in body
        # The rest of the clinic's week: a count per day and its clinic calendar.
        calendar = reverse("scheduling:calendar_clinic") + "?date=2026-11-19"
        assert f'<a href="{calendar}">Thursday 19 November</a>: 1 appointment' in body

    # A supervisor: the supervisee's clients, their course, but no note to start.
    rows = panel(signed_in(cast.supervisor).get(DASHBOARD))["today_rows"]
    assert labels(rows) == [cast.client.display_name]
    assert rows[0].session == 5
    assert rows[0].alert
    assert not rows[0].can_start


@time_machine.travel(NOW)
def test_the_navigation_counts_what_needs_action(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor).update(cosigns_notes=True)
    make_note(cast.episode, 2, held_on=TODAY)  # a second draft
    returned = make_note(cast.episode, 3, held_on=TODAY)
    CosignReview.objects.create(
        note=returned, supervisor=cast.supervisor, decision="returned", comment="Add the plan"
    )
    raise_alert(cast.client)
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert '<span class="visually-hidden">, 2 unsigned notes</span>' in body
    assert '<span class="visually-hidden">, 1 note returned by your supervisor</span>' in body
    assert '<span class="visually-hidden">, 1 open safety alert</span>' in body

    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.AWAITING_COSIGN)
    body = signed_in(cast.supervisor).get(DASHBOARD).content.decode()
    assert '<span class="visually-hidden">, 1 note awaiting your co-signature</span>' in body
    assert "unsigned" not in body

    for user in (cast.intake, cast.admin):  # the alert is not escalated: nothing of theirs
        assert "nav-badge" not in signed_in(user).get(DASHBOARD).content.decode()


@time_machine.travel(NOW)
def test_signing_elsewhere_updates_the_count_on_the_next_page(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    clients = reverse("clients:list")
    assert ", 1 unsigned note<" in http.get(clients).content.decode()
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    # Any POST of the user's (here, one that fails) counts afresh on the next page.
    csrf_post(http, reverse("ipt:note_sign", args=[cast.note.public_id]))
    assert "unsigned" not in http.get(clients).content.decode()


def grow(cast: SimpleNamespace, clients: int) -> None:
    """More clients with a course, an alert, unreturned measures, a draft, and
    appointments today and later this week."""
    for n in range(clients):
        client = make_client(cast.clinic, cast.therapist)
        episode = contract(make_episode(client))
        held(episode, 3)
        make_note(episode, 4, held_on=TODAY)
        raise_alert(client)
        Invitation.objects.create(
            client=client,
            token_hash=uuid.uuid4().hex,
            status=Invitation.Status.SENT,
            send_at=NOW - timedelta(days=1),
            expires_at=NOW + timedelta(days=1),
        )
        book(client, at(TODAY, 8 + n % 9), video_link="https://video.example/r")
        book(client, at(TODAY + timedelta(days=2), 8 + n % 9))


@time_machine.travel(NOW)
def test_the_dashboard_query_count_does_not_grow_with_the_day(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor).update(cosigns_notes=True)
    coordinator = make_staff(cast.clinic, "coordinator2", Role.INTAKE_COORDINATOR)
    users = (cast.therapist, cast.supervisor, coordinator, cast.admin)
    sessions = {user: signed_in(user) for user in users}
    grow(cast, 2)
    small = {user: page_cost(sessions[user], DASHBOARD) for user in users}
    grow(cast, 12)
    large = {user: page_cost(sessions[user], DASHBOARD) for user in users}
    assert large == small
    assert len(panel(sessions[cast.therapist].get(DASHBOARD))["today_rows"]) == 14
    assert small[cast.therapist].decrypted == 0  # names are plain columns


def test_other_pages_count_needs_action_at_most_once_a_minute(cast: SimpleNamespace) -> None:
    clients = reverse("clients:list")
    with time_machine.travel(NOW, tick=False) as clock:
        http = signed_in(cast.therapist)
        first = page_cost(http, clients)  # counted on the warming request, then kept
        make_note(cast.episode, 2, held_on=TODAY)  # a draft written in another tab
        assert page_cost(http, clients) == first  # no count query on these pages
        clock.shift(timedelta(seconds=61))
        assert ", 2 unsigned notes<" in http.get(clients).content.decode()


@time_machine.travel(datetime(2026, 11, 1, 17, tzinfo=UTC))  # noon, the day clocks go back
def test_a_25_hour_day_keeps_both_ends(cast: SimpleNamespace) -> None:
    day = date(2026, 11, 1)
    zone = "America/New_York"
    first = book(cast.client, local_to_utc(day, time(0, 30), zone))  # still summer time
    last = book(cast.client, local_to_utc(day, time(23, 30), zone))  # winter time
    book(cast.client, local_to_utc(day + timedelta(days=1), time(0, 30), zone))  # Monday
    context = panel(signed_in(cast.therapist).get(DASHBOARD))
    assert [row.appointment for row in context["today_rows"]] == [first, last]
    assert context["week"] == []  # Sunday: next Monday is next week


@time_machine.travel(NOW)
def test_the_day_is_the_readers_when_they_set_their_own_zone(cast: SimpleNamespace) -> None:
    cast.therapist.time_zone = "Asia/Tokyo"  # 00:00 on Thursday 19 November there
    cast.therapist.save(update_fields=["time_zone"])
    tokyo_today = book(cast.client, datetime(2026, 11, 19, 14, tzinfo=UTC))  # 23:00 Tokyo
    book(cast.client, datetime(2026, 11, 18, 14, tzinfo=UTC))  # Wednesday in Tokyo: past
    response = signed_in(cast.therapist).get(DASHBOARD)
    context = panel(response)
    assert context["today"] == date(2026, 11, 19)
    assert [row.appointment for row in context["today_rows"]] == [tokyo_today]
    assert "Times in Asia/Tokyo." in today_section(response)


@time_machine.travel(NOW)
def test_a_break_glass_grant_does_not_put_a_client_on_the_day(cast: SimpleNamespace) -> None:
    book(cast.client, at(TODAY, 9))
    book(cast.colleague_client, at(TODAY, 10))
    http = signed_in(cast.supervisor)
    opened = csrf_post(
        http,
        reverse("clients:break_glass"),
        {
            "given_name": cast.colleague_client.given_name,
            "family_name": cast.colleague_client.family_name,
            "date_of_birth": cast.colleague_client.date_of_birth.isoformat(),
            "reason": "Client phoned in crisis and their therapist is on leave today.",
        },
    )
    assert opened.url == reverse("clients:detail", args=[cast.colleague_client.public_id])
    rows = panel(http.get(DASHBOARD))["today_rows"]
    assert labels(rows) == [cast.client.display_name]
