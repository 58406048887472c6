"""Clinic closure days and courses: the warning lists them, skipping runs the course past
them (every contracted session still booked), keeping books them; the demo has holidays."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from rapport.core.models import OutboundEmail
from rapport.core.outbox import send_due_emails
from rapport.scheduling import demo, series
from rapport.scheduling.models import ClosureDay, Series
from rapport.scheduling.timeutil import utc_to_local
from tests.factories import csrf_post, signed_in
from tests.ipt.notes_helpers import contract
from tests.scheduling.helpers_l import FIRST, TEN, ZONE, course, sessions

pytestmark = pytest.mark.django_db

# FIRST is Tuesday 1 September 2026; the course runs on Tuesdays.
THIRD = FIRST + dt.timedelta(weeks=2)
FIFTH = FIRST + dt.timedelta(weeks=4)


def _days(result: series.SeriesResult) -> list[dt.date]:
    return [utc_to_local(a.starts_at, ZONE).date() for a in sessions(result)]


def _closed(cast: SimpleNamespace, *days: dt.date) -> None:
    for day in days:
        ClosureDay.objects.create(clinic=cast.clinic, day=day, name=f"Holiday {day:%d %b}")


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_it_lists_the_closures_a_course_would_land_on(cast: SimpleNamespace) -> None:
    _closed(cast, THIRD, FIFTH, FIRST + dt.timedelta(days=1))  # a Wednesday: not crossed
    crossed = series.closures_crossed(
        therapist=cast.therapist,
        first=FIRST,
        at=TEN,
        zone=ZONE,
        count=6,
        frequency="weekly",
        minutes=50,
    )
    assert crossed == [(THIRD, "Holiday 15 Sep"), (FIFTH, "Holiday 29 Sep")]


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_skipping_closures_books_every_session_and_ends_later(cast: SimpleNamespace) -> None:
    _closed(cast, THIRD, FIFTH)
    result = course(cast, count=6, skip_closures=True)
    days = _days(result)
    assert len(days) == 6
    assert THIRD not in days
    assert FIFTH not in days
    assert days[-1] == FIRST + dt.timedelta(weeks=7)
    assert result.closed_days == [THIRD, FIFTH]
    assert [a.series_index for a in sessions(result)] == [1, 2, 3, 4, 5, 6]


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_keeping_closures_books_on_them(cast: SimpleNamespace) -> None:
    _closed(cast, THIRD)
    result = course(cast, count=4)
    assert THIRD in _days(result)
    assert result.closed_days == []


def _book_page(cast: SimpleNamespace) -> str:
    return reverse("ipt:book_series", args=[cast.episode.public_id])


def _form(**extra: str) -> dict[str, str]:
    return {"first": FIRST.isoformat(), "at": "10:00", "time_zone": ZONE, **extra}


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_the_course_page_warns_first_and_books_nothing(cast: SimpleNamespace) -> None:
    contract(cast.episode, planned=6)
    _closed(cast, THIRD)
    response = csrf_post(signed_in(cast.therapist), _book_page(cast), _form())
    body = response.content.decode()
    assert response.status_code == 200
    assert "The clinic is closed on 1 of these dates" in body
    assert "Tuesday 15 September 2026</time>: Holiday 15 Sep" in body
    assert 'id="closures-skip" value="skip" checked' in body
    assert not Series.objects.exists()


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_the_course_page_skips_on_request_and_sends_the_dates(cast: SimpleNamespace) -> None:
    contract(cast.episode, planned=6)
    _closed(cast, THIRD)
    cast.client.email = "client@example.com"
    cast.client.save()
    http = signed_in(cast.therapist)
    response = csrf_post(http, _book_page(cast), _form(closures="skip"))
    assert response.status_code == 302
    booked = Series.objects.get().appointments.order_by("starts_at")
    days = [utc_to_local(a.starts_at, ZONE).date() for a in booked]
    assert len(days) == 6
    assert THIRD not in days
    page = http.get(response.url).content.decode()
    assert "2026-09-15 skipped: the clinic is closed." in page

    email = OutboundEmail.objects.get()
    assert email.subject == "Your appointments are booked"
    assert "Your 6 appointments" in email.text_body
    send_due_emails("test-worker")
    (message,) = mail.outbox
    events = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert len(events) == 6


@time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False)
def test_the_course_page_keeps_closures_when_told(cast: SimpleNamespace) -> None:
    contract(cast.episode, planned=4)
    _closed(cast, THIRD)
    csrf_post(signed_in(cast.therapist), _book_page(cast), _form(closures="keep"))
    booked = Series.objects.get().appointments.all()
    assert THIRD in [utc_to_local(a.starts_at, ZONE).date() for a in booked]


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_demo_closes_for_christmas_and_new_year(cast: SimpleNamespace) -> None:
    demo.load_closures(cast.clinic, {})
    demo.load_closures(cast.clinic, {})  # loading twice adds nothing
    days = dict(ClosureDay.objects.filter(clinic=cast.clinic).values_list("day", "name"))
    assert days[dt.date(2026, 12, 24)] == "Christmas Eve"
    assert days[dt.date(2026, 12, 25)] == "Christmas Day"
    assert days[dt.date(2026, 12, 31)] == "New Year's Eve"
    assert days[dt.date(2027, 1, 1)] == "New Year's Day"
    assert len(days) == 8
