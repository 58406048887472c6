"""The booking grid: a week of free start times per therapist, closure days left out,
"next free" shortcuts, booking from the grid, and the confirmation e-mail with its .ics."""

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
from rapport.intake.models import ConsultationRequest
from rapport.scheduling import grid
from rapport.scheduling.availability import free_slots
from rapport.scheduling.models import Appointment, BookingConfirmation, ClosureDay
from tests.factories import csrf_post, signed_in
from tests.intake.queue_helpers import NOW, ZONE, make_request, tuesday_morning
from tests.page_cost import page_cost
from tests.scheduling.helpers_k import at, booked

pytestmark = pytest.mark.django_db

# NOW is Monday 5 October 2026, 09:00 London. Tuesdays 09:00, 10:00, 11:00 London are free.
TUESDAY = dt.date(2026, 10, 6)
NEXT_TUESDAY = dt.date(2026, 10, 13)
NINE = at(2026, 10, 6, 8)  # 09:00 London (BST)


def _in_london(cast: SimpleNamespace) -> None:
    cast.clinic.time_zone = ZONE
    cast.clinic.save()


def _book_url(req: ConsultationRequest) -> str:
    return reverse("intake:book", args=[req.public_id])


def _starts(week: grid.TherapistWeek) -> list[str]:
    return [f"{slot.start:%a %H:%M}" for day in week.days for slot in day.slots]


@time_machine.travel(NOW, tick=False)
def test_it_lays_out_a_week_per_therapist_in_the_viewers_zone(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    mine, theirs = grid.week([cast.therapist, cast.colleague], grid.monday_of(TUESDAY), ZONE)
    assert mine.days[0].day == dt.date(2026, 10, 5)
    assert len(mine.days) == 7
    assert _starts(mine) == ["Tue 09:00", "Tue 10:00", "Tue 11:00"]
    assert theirs.empty


@time_machine.travel(NOW, tick=False)
def test_it_offers_no_time_on_a_closure_day_and_names_it(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    ClosureDay.objects.create(clinic=cast.clinic, day=TUESDAY, name="Training day")
    (week,) = grid.week([cast.therapist], grid.monday_of(TUESDAY), ZONE)
    tuesday = week.days[1]
    assert (tuesday.closed, tuesday.slots) == ("Training day", [])
    assert all(start.date() != TUESDAY for start, _end in free_slots(cast.therapist, TUESDAY, 7))
    assert len(free_slots(cast.therapist, TUESDAY, 8)) == 3  # next Tuesday still open


@time_machine.travel(NOW, tick=False)
def test_another_clinics_closure_does_not_close_this_one(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    ClosureDay.objects.create(clinic=cast.other_clinic, day=TUESDAY, name="Their holiday")
    assert len(free_slots(cast.therapist, TUESDAY, 1)) == 3


@time_machine.travel(NOW, tick=False)
def test_next_free_skips_taken_times_and_closures(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    tuesday_morning(cast.colleague)
    booked(cast.therapist, NINE)
    found = grid.next_free([cast.therapist, cast.colleague], ZONE)
    assert found[cast.therapist.pk].starts_at == at(2026, 10, 6, 9)  # 10:00 London
    assert found[cast.colleague.pk].starts_at == NINE
    ClosureDay.objects.create(clinic=cast.clinic, day=TUESDAY, name="Closed")
    found = grid.next_free([cast.therapist], ZONE)
    assert found[cast.therapist.pk].start.date() == NEXT_TUESDAY


def test_a_slot_value_round_trips_and_junk_is_refused(cast: SimpleNamespace) -> None:
    value = grid.slot_value(cast.therapist, NINE)
    assert grid.parse_slot(value) == (cast.therapist.public_id, NINE)
    for junk in ["", "nonsense", f"{cast.therapist.public_id}@2026-10-06", "x@20261006T0800Z"]:
        assert grid.parse_slot(junk) is None


@time_machine.travel(NOW, tick=False)
def test_the_page_filters_by_therapist_and_names_the_zone(cast: SimpleNamespace) -> None:
    _in_london(cast)
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    everyone = http.get(_book_url(req)).content.decode()
    assert cast.therapist.get_full_name() in everyone
    assert cast.colleague.get_full_name() in everyone
    assert "has no free time this week" in everyone  # the colleague's empty state
    assert "Times in Europe/London." in everyone
    one = http.get(_book_url(req), {"therapist": cast.therapist.public_id}).content.decode()
    assert f'id="grid-t-{cast.colleague.public_id}"' not in one
    assert one.count('class="slot-button"') == 3
    assert "Next free with" in one


@time_machine.travel(NOW, tick=False)
def test_next_free_links_to_its_week_and_the_week_links_page(cast: SimpleNamespace) -> None:
    _in_london(cast)
    tuesday_morning(cast.therapist)
    ClosureDay.objects.create(clinic=cast.clinic, day=TUESDAY, name="Closed")
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    body = http.get(_book_url(req), {"therapist": cast.therapist.public_id}).content.decode()
    assert "Closed: Closed" in body
    assert "Tuesday 13 October, <time" in body  # next free, past the closure
    assert ">09:00 BST</time>" in body
    assert "week=2026-10-12" in body
    assert "Previous week" not in body  # nothing free in the past
    later = http.get(_book_url(req), {"week": "2026-10-14"}).content.decode()
    assert "Week of 12 October to 18 October 2026" in later
    assert "Previous week" in later


@time_machine.travel(NOW, tick=False)
def test_a_bad_or_far_week_falls_back_to_this_week_with_a_message(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    for week, message in [("soon", "is not a date"), ("2200-01-01", "between 1900 and 2100")]:
        body = http.get(_book_url(req), {"week": week}).content.decode()
        assert message in body
        assert "Week of 5 October to 11 October 2026" in body


@time_machine.travel(NOW, tick=False)
def test_htmx_gets_the_grid_alone(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    body = (
        signed_in(cast.intake)
        .get(_book_url(req), {"week": "2026-10-12"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "<html" not in body
    assert "Week of 12 October" in body


@time_machine.travel(NOW, tick=False)
def test_htmx_history_restore_gets_the_whole_page_and_caches_tell_them_apart(
    cast: SimpleNamespace,
) -> None:
    req = make_request(cast.clinic)
    response = signed_in(cast.intake).get(
        _book_url(req), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


@time_machine.travel(NOW, tick=False)
def test_the_grid_costs_the_same_however_many_appointments(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    tuesday_morning(cast.colleague)
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    everyone = _book_url(req)
    one = f"{everyone}?therapist={cast.therapist.public_id}"
    few = {url: page_cost(http, url) for url in (everyone, one)}
    for week in range(8):
        booked(cast.therapist, NINE + dt.timedelta(weeks=week), client=cast.client)
        booked(cast.colleague, NINE + dt.timedelta(weeks=week, hours=1))
    assert {url: page_cost(http, url) for url in (everyone, one)} == few


@time_machine.travel(NOW, tick=False)
def test_a_grid_button_books_and_queues_a_confirmation_with_the_ics(
    cast: SimpleNamespace,
) -> None:
    _in_london(cast)
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic, email="person@example.com", name="Pat Private")
    response = csrf_post(
        signed_in(cast.intake), _book_url(req), {"slot": grid.slot_value(cast.therapist, NINE)}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(request_id=req.public_id)
    assert (appointment.starts_at, appointment.ends_at) == (NINE, NINE + dt.timedelta(minutes=50))
    email = OutboundEmail.objects.get()
    assert BookingConfirmation.objects.get().email == email
    assert email.subject == "Your appointment is booked"  # no name, nothing clinical
    assert "Pat" not in email.text_body
    assert "Tuesday 6 October 2026, 09:00–09:50" in email.text_body
    assert "Times are in Europe/London." in email.text_body
    assert "Europe/London" in email.html_body

    assert send_due_emails("test-worker") == 1
    (message,) = mail.outbox
    assert message.to == ["person@example.com"]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar; method=PUBLISH")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == NINE
    assert "Pat" not in event["SUMMARY"]


@time_machine.travel(NOW, tick=False)
def test_no_confirmation_without_an_address(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic, email="")
    csrf_post(
        signed_in(cast.intake), _book_url(req), {"slot": grid.slot_value(cast.therapist, NINE)}
    )
    assert Appointment.objects.filter(request_id=req.public_id).exists()
    assert not OutboundEmail.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_bad_slot_books_nothing_and_says_why(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    tuesday_morning(cast.outsider)
    ClosureDay.objects.create(clinic=cast.clinic, day=NEXT_TUESDAY, name="Closed")
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    cases = [
        ("nonsense", "Choose a time from the grid."),
        (grid.slot_value(cast.outsider, NINE), "Choose a time from the grid."),
        (grid.slot_value(cast.therapist, at(2026, 10, 6, 8, 30)), "just taken"),
        (grid.slot_value(cast.therapist, NINE + dt.timedelta(weeks=1)), "just taken"),
    ]
    for value, message in cases:
        response = csrf_post(http, _book_url(req), {"slot": value})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Appointment.objects.exists()
    req.refresh_from_db()
    assert req.status == ConsultationRequest.Status.NEW


@time_machine.travel(NOW, tick=False)
def test_conversion_prefills_the_consultations_therapist(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.colleague)
    req = make_request(cast.clinic)
    url = reverse("intake:convert", args=[req.public_id])
    http = signed_in(cast.intake)
    chosen = f'<option value="{cast.colleague.public_id}" selected>'
    assert chosen not in http.get(url).content.decode()
    csrf_post(http, _book_url(req), {"slot": grid.slot_value(cast.colleague, NINE)})
    body = http.get(url).content.decode()
    assert chosen in body
    assert "Filled in from the booked initial consultation" in body
