"""Day, week and clinic-wide calendars (item 9): names only where allowed, fixed queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from rapport.clients.paperwork import current_documents
from rapport.core.models import AuditEvent
from rapport.scheduling.models import Appointment
from tests.factories import make_client, signed_in
from tests.page_cost import PageCost, page_cost
from tests.scheduling.helpers_k import at, booked, hours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_morning(cast):
    cast.clinic.time_zone = "UTC"  # shown times read as stored
    cast.clinic.save()
    with time_machine.travel(at(2026, 6, 1, 7), tick=False):
        yield


WEEK = reverse("scheduling:calendar_week")
DAY = reverse("scheduling:calendar_day")
CLINIC = reverse("scheduling:calendar_clinic")


def test_it_shows_a_therapist_their_week_with_client_names(cast) -> None:
    booked(cast.therapist, at(2026, 6, 3, 9), client=cast.client)
    body = signed_in(cast.therapist).get(WEEK + "?date=2026-06-03").content.decode()
    assert "My week" in body
    assert cast.client.display_name in body
    assert "09:00–09:50" in body
    assert "Session" in body
    assert "Booked" in body
    assert AuditEvent.objects.filter(action="scheduling.calendar.viewed").exists()


def test_it_shows_busy_for_a_client_the_therapist_may_not_see(cast) -> None:
    booked(cast.therapist, at(2026, 6, 3, 9), client=cast.colleague_client)
    body = signed_in(cast.therapist).get(WEEK + "?date=2026-06-03").content.decode()
    assert "Busy" in body
    assert cast.colleague_client.display_name not in body


def test_it_labels_a_consultation_booked_for_a_request(cast) -> None:
    booked(
        cast.therapist,
        at(2026, 6, 3, 9),
        request_id=uuid.uuid4(),
        kind=Appointment.Kind.CONSULTATION,
    )
    body = signed_in(cast.intake).get(DAY + "?date=2026-06-03").content.decode()
    assert "Choose a therapist" in body  # a coordinator without a caseload picks one first
    url = f"{DAY}?therapist={cast.therapist.public_id}&date=2026-06-03"
    body = signed_in(cast.intake).get(url).content.decode()
    assert "Consultation request" in body
    assert "Initial consultation" in body


def test_it_shows_the_day_with_free_times_and_day_links(cast) -> None:
    hours(cast.therapist, 2, "09:00", "11:00")
    booked(cast.therapist, at(2026, 6, 3, 9), client=cast.client)
    body = signed_in(cast.therapist).get(DAY + "?date=2026-06-03").content.decode()
    assert "10:00–10:50" in body  # the one free slot left
    assert "?therapist=" in body
    assert "date=2026-06-04" in body  # next day
    assert "date=2026-06-02" in body  # previous day


def test_it_leaves_cancelled_appointments_off_the_calendar(cast) -> None:
    appointment = booked(cast.therapist, at(2026, 6, 3, 9), client=cast.client)
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
    body = signed_in(cast.therapist).get(DAY + "?date=2026-06-03").content.decode()
    assert "No appointments on this day." in body


def test_it_shows_coordinators_every_therapist_for_a_day(cast) -> None:
    booked(cast.therapist, at(2026, 6, 3, 9), client=cast.client)
    booked(cast.colleague, at(2026, 6, 3, 13), client=cast.colleague_client)
    body = signed_in(cast.intake).get(CLINIC + "?date=2026-06-03").content.decode()
    assert "Therapist Tester" in body
    assert "Colleague Tester" in body
    assert cast.client.display_name in body
    assert cast.colleague_client.display_name in body
    assert "Next day" in body
    assert "outsider" not in body.lower()


def test_it_lets_a_coordinator_open_any_therapists_week_but_not_another_clinics(cast) -> None:
    http = signed_in(cast.intake)
    assert http.get(f"{WEEK}?therapist={cast.colleague.public_id}").status_code == 200
    assert http.get(f"{WEEK}?therapist={cast.outsider.public_id}").status_code == 404
    assert http.get(f"{WEEK}?therapist=not-a-uuid").status_code == 404
    mine = signed_in(cast.therapist)
    assert mine.get(f"{WEEK}?therapist={cast.colleague.public_id}").status_code == 404


def test_it_falls_back_to_today_on_a_bad_date(cast) -> None:
    body = signed_in(cast.therapist).get(DAY + "?date=yesterday").content.decode()
    assert "Monday 1 June 2026" in body


def _fill(cast, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        client = make_client(cast.clinic, cast.therapist, background="Not for calendars.")
        booked(cast.therapist, at(2026, 6, 1 + n % 5, 8 + n // 5), client=client)
        booked(cast.colleague, at(2026, 6, 1 + n % 5, 8 + n // 5), client=client)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("therapist", WEEK + "?date=2026-06-01"),
        ("therapist", DAY + "?date=2026-06-01"),
        ("intake", CLINIC + "?date=2026-06-01"),
    ],
)
def test_it_runs_the_same_queries_however_many_appointments(cast, role: str, url: str) -> None:
    http = signed_in(getattr(cast, role))
    _fill(cast, 1)
    few = page_cost(http, url)
    _fill(cast, 20, first=1)
    assert Appointment.objects.count() > 20
    assert page_cost(http, url) == few
    assert few.decrypted == 0  # names are plain columns; backgrounds stay encrypted


def test_the_week_cost_is_pinned(cast) -> None:
    _fill(cast, 20)
    current_documents(cast.clinic)  # the clinic's intake paperwork
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 the week's
    # appointments with their clients (backgrounds deferred), 8 which of those clients
    # the viewer may see, 9 each shown client's first session, 10 the clinic's current
    # consents, 11 which of them those clients signed (the "consent not signed" flag),
    # 12 audit insert, 13 release, 14-16 session save.
    cost = page_cost(signed_in(cast.therapist), WEEK + "?date=2026-06-01")
    assert cost == PageCost(queries=16, decrypted=0)


def test_it_refuses_the_clinic_view_to_a_therapist(cast) -> None:
    assert signed_in(cast.therapist).get(CLINIC).status_code == 403


def test_it_shows_an_appointment_in_the_week_of_the_viewers_zone(cast) -> None:
    cast.therapist.time_zone = "Pacific/Auckland"
    cast.therapist.save()
    # Sunday 7 June 23:00 UTC is Monday 8 June 11:00 in Auckland: next week's column.
    booked(cast.therapist, at(2026, 6, 7, 23), client=cast.client)
    body = signed_in(cast.therapist).get(WEEK + "?date=2026-06-08").content.decode()
    assert "Times in Pacific/Auckland" in body
    assert "11:00–11:50" in body
    assert dt.date(2026, 6, 8).strftime("%a") in body
