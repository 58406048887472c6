"""The portal's appointments: what a client (or guardian) sees and does with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rapport.core.models import AuditEvent, OutboundEmail, Role
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, RescheduleRequest, SchedulingSettings
from tests.factories import (
    csrf_post,
    make_portal_account,
    make_staff,
    portal_signed_in,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _book(cast, hours_ahead: float, client=None, **fields) -> Appointment:
    now = timezone.now().replace(second=0, microsecond=0)
    starts = now + dt.timedelta(hours=hours_ahead)
    return book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=client or cast.client,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
        **fields,
    )


def _portal(cast, role: str = "client"):
    if role == "guardian":
        account = make_portal_account(cast.client, role="guardian", email="parent@example.com")
    else:
        account = make_portal_account(cast.client)
    return account, portal_signed_in(account)


def test_it_lists_upcoming_and_past_appointments_with_the_zone_named(cast):
    soon = _book(cast, 72)
    past = _book(cast, -72)
    _book(cast, 96, client=cast.colleague_client)  # someone else's: never shown
    _account, http = _portal(cast)
    page = http.get(reverse("portal:appointments"))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("portal:appointment_ics", args=[soon.public_id]) in text
    assert str(past.public_id) not in text  # past: shown, with no actions
    assert "Past and cancelled" in text
    assert "Booked" in text
    assert cast.clinic.time_zone in text
    assert text.count('class="portal-appointment"') == 2


def test_its_lists_are_paged_at_a_fixed_query_count(cast, django_assert_max_num_queries):
    for n in range(14):
        _book(cast, 24 * (n + 2))
    _account, http = _portal(cast)
    with django_assert_max_num_queries(20):
        first = http.get(reverse("portal:appointments"))
    assert first.content.decode().count('class="portal-appointment"') == 10
    second = http.get(reverse("portal:appointments"), {"page": 2})
    assert second.content.decode().count('class="portal-appointment"') == 4


def test_it_downloads_an_appointment_as_a_calendar_file_without_names(cast):
    soon = _book(cast, 72)
    _account, http = _portal(cast)
    response = http.get(reverse("portal:appointment_ics", args=[soon.public_id]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == soon.starts_at
    assert cast.client.family_name not in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.appointment.downloaded").exists()


def test_it_confirms_attendance_and_the_staff_page_shows_it(cast):
    soon = _book(cast, 72)
    _account, http = _portal(cast)
    response = csrf_post(http, reverse("portal:appointment_confirm", args=[soon.public_id]))
    assert response.status_code == 302
    soon.refresh_from_db()
    assert soon.confirmed_at is not None
    staff = signed_in(cast.intake).get(reverse("scheduling:appointment", args=[soon.public_id]))
    assert b"The client confirmed they will come" in staff.content
    assert b"Confirmed" in staff.content  # in the client's replies


def test_it_asks_before_cancelling_and_records_a_late_cancellation(cast):
    SchedulingSettings.objects.create(clinic=cast.clinic, late_cancellation_hours=48)
    soon = _book(cast, 30)
    _account, http = _portal(cast)
    url = reverse("portal:appointment_cancel", args=[soon.public_id])
    ask = http.get(url)
    assert b"Cancel this appointment?" in ask.content
    assert b"late cancellation" in ask.content
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.BOOKED  # asking changes nothing
    csrf_post(http, url)
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.LATE_CANCELLED
    email = OutboundEmail.objects.get()
    assert email.recipient == cast.client.email
    assert "cancelled" in email.subject
    assert AuditEvent.objects.filter(
        action="scheduling.appointment.cancelled", object_id=str(soon.public_id)
    ).exists()
    listed = http.get(reverse("portal:appointments")).content.decode()
    assert "Cancelled late" in listed


def test_a_cancellation_in_time_is_not_late(cast):
    later = _book(cast, 24 * 10)
    _account, http = _portal(cast)
    csrf_post(http, reverse("portal:appointment_cancel", args=[later.public_id]))
    later.refresh_from_db()
    assert later.status == Appointment.Status.CANCELLED


def test_a_reschedule_request_reaches_the_coordinator_encrypted(cast):
    soon = _book(cast, 72)
    _account, http = _portal(cast)
    url = reverse("portal:appointment_reschedule", args=[soon.public_id])
    empty = csrf_post(http, url, {"preferred_times": ""})
    assert empty.status_code == 200
    assert not RescheduleRequest.objects.exists()
    csrf_post(http, url, {"preferred_times": "Thursday mornings after 9"})
    asked = RescheduleRequest.objects.get()
    assert asked.preferred_times == "Thursday mornings after 9"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select preferred_times from scheduling_reschedulerequest")
        assert "Thursday" not in cursor.fetchone()[0]
    again = csrf_post(http, url, {"preferred_times": "any time"})
    assert b"already asked" in again.content

    coordinator = signed_in(cast.intake)
    dashboard = coordinator.get(reverse("core:dashboard")).content.decode()
    assert "Requests to reschedule" in dashboard
    assert "Thursday mornings after 9" in dashboard
    assert "1 request to reschedule" in dashboard  # the navigation's count
    therapist = signed_in(cast.therapist).get(reverse("core:dashboard")).content.decode()
    assert "Thursday mornings after 9" in therapist  # their own appointment: theirs to see
    assert "1 request to reschedule" in therapist
    colleague = signed_in(cast.colleague).get(reverse("core:dashboard")).content.decode()
    assert "Requests to reschedule" not in colleague  # not their appointment
    detail = coordinator.get(reverse("scheduling:appointment", args=[soon.public_id]))
    assert b"Thursday mornings after 9" in detail.content
    csrf_post(coordinator, reverse("scheduling:reschedule_request_handled", args=[asked.public_id]))
    asked.refresh_from_db()
    assert asked.handled_by == cast.intake
    assert (
        "Requests to reschedule" not in coordinator.get(reverse("core:dashboard")).content.decode()
    )


def _waiting_emails() -> dict[str, OutboundEmail]:
    return {row.recipient: row for row in OutboundEmail.objects.all()}


def test_a_reschedule_request_emails_the_coordinators_and_the_therapist_without_phi(cast, settings):
    settings.RAPPORT_BASE_URL = "https://rapport.example"
    second = make_staff(cast.clinic, "intake2", Role.INTAKE_COORDINATOR)
    gone = make_staff(cast.clinic, "intake3", Role.INTAKE_COORDINATOR)
    gone.is_active = False
    gone.save()
    make_staff(cast.other_clinic, "intake4", Role.INTAKE_COORDINATOR)
    soon = _book(cast, 72)
    OutboundEmail.objects.all().delete()  # the booking's own e-mails
    account = make_portal_account(cast.client)
    account.language = "es"  # the client's Spanish does not reach staff e-mails
    account.save()
    http = portal_signed_in(account)
    url = reverse("portal:appointment_reschedule", args=[soon.public_id])
    csrf_post(http, url, {"preferred_times": "Thursday mornings after 9"})

    sent = _waiting_emails()
    assert set(sent) == {cast.intake.email, second.email, cast.therapist.email}
    link = "https://rapport.example" + reverse("scheduling:appointment", args=[soon.public_id])
    for row in sent.values():
        assert row.subject == "A request to move an appointment is waiting"
        assert link in row.text_body
        for phi in (cast.client.given_name, cast.client.family_name, "Thursday"):
            assert phi not in row.subject + row.text_body
    csrf_post(http, url, {"preferred_times": "any time"})  # refused: no second e-mail
    assert OutboundEmail.objects.count() == 3


def test_without_an_intake_coordinator_the_therapist_gets_and_handles_the_request(cast):
    cast.intake.staff_roles.all().delete()
    soon = _book(cast, 72)
    OutboundEmail.objects.all().delete()
    _account, http = _portal(cast)
    url = reverse("portal:appointment_reschedule", args=[soon.public_id])
    csrf_post(http, url, {"preferred_times": "Any evening"})
    assert set(_waiting_emails()) == {cast.therapist.email}

    therapist = signed_in(cast.therapist)
    dashboard = therapist.get(reverse("core:dashboard")).content.decode()
    assert "Requests to reschedule" in dashboard
    assert "Any evening" in dashboard
    assert "1 request to reschedule" in dashboard
    detail = therapist.get(reverse("scheduling:appointment", args=[soon.public_id]))
    assert b"Mark as handled" in detail.content
    asked = RescheduleRequest.objects.get()
    csrf_post(therapist, reverse("scheduling:reschedule_request_handled", args=[asked.public_id]))
    asked.refresh_from_db()
    assert asked.handled_by == cast.therapist
    assert "Requests to reschedule" not in therapist.get(reverse("core:dashboard")).content.decode()


def test_moving_the_appointment_answers_the_request(cast):
    from rapport.scheduling import changes

    soon = _book(cast, 72)
    _account, http = _portal(cast)
    csrf_post(
        http,
        reverse("portal:appointment_reschedule", args=[soon.public_id]),
        {"preferred_times": "Friday"},
    )
    changes.cancel(soon, by=cast.intake)
    assert RescheduleRequest.objects.get().handled_at is not None


def test_a_guardian_manages_appointments_too(cast):
    soon = _book(cast, 72)
    _account, http = _portal(cast, role="guardian")
    assert http.get(reverse("portal:appointments")).status_code == 200
    csrf_post(http, reverse("portal:appointment_confirm", args=[soon.public_id]))
    soon.refresh_from_db()
    assert soon.confirmed_at is not None


def test_another_clients_appointment_is_not_found(cast):
    theirs = _book(cast, 72, client=cast.colleague_client)
    _account, http = _portal(cast)
    for name in (
        "portal:appointment_ics",
        "portal:appointment_cancel",
        "portal:appointment_reschedule",
    ):
        assert http.get(reverse(name, args=[theirs.public_id])).status_code == 404
    response = csrf_post(http, reverse("portal:appointment_cancel", args=[theirs.public_id]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Appointment.Status.BOOKED


def test_a_past_appointment_cannot_be_cancelled(cast):
    past = _book(cast, -2)
    _account, http = _portal(cast)
    csrf_post(http, reverse("portal:appointment_cancel", args=[past.public_id]))
    past.refresh_from_db()
    assert past.status == Appointment.Status.BOOKED
