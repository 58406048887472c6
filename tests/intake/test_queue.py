"""The intake queue: list, request detail, contact attempts, status, notes and booking."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from rapport.core.models import AuditEvent, Role
from rapport.intake.models import ConsultationRequest, ContactAttempt
from rapport.measures import instruments
from rapport.scheduling import booking
from rapport.scheduling.grid import slot_value
from rapport.scheduling.models import Appointment
from tests.factories import csrf_post, make_staff, signed_in
from tests.intake.queue_helpers import (
    CONCERN,
    NOW,
    ZONE,
    make_request,
    make_screened_request,
    tuesday_morning,
)
from tests.page_cost import page_cost

QUEUE = reverse("intake:queue")
S = ConsultationRequest.Status
# Tuesday 6 October 2026, 09:00 London (BST) = 08:00 UTC: the first free slot.
FIRST_SLOT = dt.datetime(2026, 10, 6, 8, 0, tzinfo=dt.UTC)


def detail(req: ConsultationRequest) -> str:
    return reverse("intake:request", args=[req.public_id])


def test_it_lists_urgent_requests_first_then_the_oldest(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        oldest = make_request(cast.clinic, name="Oldest Waiting")
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        newer = make_request(cast.clinic, name="Newer Person")
    with time_machine.travel(NOW, tick=False):
        urgent = make_screened_request(cast.clinic, others=2, item9=1, name="Urgent Person")
        body = signed_in(cast.intake).get(QUEUE).content.decode()
    positions = [body.index(r.name) for r in (urgent, oldest, newer)]
    assert positions == sorted(positions)
    assert "Urgent: same-day contact" in body


def test_it_filters_by_status(cast: SimpleNamespace) -> None:
    make_request(cast.clinic, name="Still New")
    make_request(cast.clinic, name="Sent Elsewhere", status=S.REFERRED)
    http = signed_in(cast.intake)
    open_only = http.get(QUEUE).content.decode()
    assert "Still New" in open_only
    assert "Sent Elsewhere" not in open_only
    referred = http.get(QUEUE, {"status": "referred"}).content.decode()
    assert "Sent Elsewhere" in referred
    assert "Still New" not in referred
    everything = http.get(QUEUE, {"status": "all"}).content.decode()
    assert "Sent Elsewhere" in everything
    assert "Still New" in everything


def test_it_keeps_the_queue_query_count_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    make_request(cast.clinic)
    few = page_cost(http, QUEUE)
    for _n in range(6):
        req = make_request(cast.clinic)
        ContactAttempt.objects.create(
            request=req, by=cast.intake, at=NOW, channel="email", outcome="no_answer"
        )
    assert page_cost(http, QUEUE) == few
    assert http.get(QUEUE).content.decode().count("Alex Person") == 7
    # The queue shows names and dates: concerns and notes stay encrypted.
    assert few.decrypted == 0


def test_it_hides_another_clinics_requests(cast: SimpleNamespace) -> None:
    theirs = make_request(cast.other_clinic, name="Elsewhere Person")
    their_intake = make_staff(cast.other_clinic, "their_intake", Role.INTAKE_COORDINATOR)
    assert signed_in(cast.intake).get(detail(theirs)).status_code == 404
    assert "Elsewhere Person" not in signed_in(cast.intake).get(QUEUE).content.decode()
    assert signed_in(their_intake).get(detail(theirs)).status_code == 200


def test_it_refuses_therapists(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    assert signed_in(cast.therapist).get(detail(req)).status_code == 403
    assert signed_in(cast.therapist).get(QUEUE).status_code == 403


def test_it_shows_the_screen_total_and_concern_but_never_the_item_answers(
    cast: SimpleNamespace,
) -> None:
    req = make_screened_request(cast.clinic, others=1, item9=2)
    body = signed_in(cast.intake).get(detail(req)).content.decode()
    assert "Total 10 of 27: moderate." in body
    assert "Thoughts of self-harm reported: contact today" in body
    assert CONCERN in body
    # Neither the item wording nor any per-item value is on the page.
    phq9 = instruments.get("phq9")
    assert all(str(item.text) not in body for item in phq9.items)
    assert "better off dead" not in body


def test_it_audits_reading_a_request(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    signed_in(cast.intake).get(detail(req))
    event = AuditEvent.objects.filter(action="intake.request.viewed").get()
    assert event.object_id == str(req.public_id)
    assert event.actor == cast.intake
    signed_in(cast.intake).get(QUEUE)
    assert AuditEvent.objects.filter(action="intake.request.listed").exists()


def test_it_logs_a_contact_attempt_and_marks_a_reached_person_contacted(
    cast: SimpleNamespace,
) -> None:
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    url = reverse("intake:attempt_add", args=[req.public_id])
    csrf_post(http, url, {"channel": "phone", "outcome": "no_answer", "note": ""})
    req.refresh_from_db()
    assert req.status == S.NEW
    response = csrf_post(
        http, url, {"channel": "phone", "outcome": "reached", "note": "Calls back"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.CONTACTED
    attempts = list(req.attempts.all())
    assert [a.outcome for a in attempts] == ["reached", "no_answer"]  # newest first
    assert attempts[0].note == "Calls back"
    assert attempts[0].by == cast.intake
    event = AuditEvent.objects.filter(action="intake.request.contact_attempted").last()
    assert event.fields == ["channel", "note", "outcome"]
    assert "Calls back" not in str(AuditEvent.objects.values_list("fields", flat=True))


def test_it_keeps_input_when_a_contact_attempt_is_incomplete(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    http = signed_in(cast.intake)
    url = reverse("intake:attempt_add", args=[req.public_id])
    response = csrf_post(http, url, {"channel": "phone", "note": "Rang twice"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please check the form" in body
    assert "Rang twice" in body
    assert not req.attempts.exists()


def test_it_changes_status_along_allowed_transitions(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    url = reverse("intake:status_change", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, {"status": "declined", "version": 1})
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.version) == (S.DECLINED, 2)
    assert AuditEvent.objects.filter(action="intake.request.status_changed").count() == 1


@pytest.mark.parametrize("target", ["accepted", "booked", "waitlisted", "nonsense"])
def test_it_refuses_a_status_that_is_not_a_manual_step(cast: SimpleNamespace, target: str) -> None:
    req = make_request(cast.clinic)
    url = reverse("intake:status_change", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, {"status": target, "version": 1})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    req.refresh_from_db()
    assert req.status == S.NEW


def test_it_refuses_a_stale_status_change(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    ConsultationRequest.objects.filter(pk=req.pk).update(version=2)
    url = reverse("intake:status_change", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, {"status": "declined", "version": 1})
    assert "Someone else changed this record" in response.content.decode()
    req.refresh_from_db()
    assert req.status == S.NEW


def test_it_saves_notes_encrypted_and_refuses_a_stale_edit(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    url = reverse("intake:request_notes", args=[req.public_id])
    http = signed_in(cast.intake)
    assert (
        csrf_post(http, url, {"notes": "Prefers calls after 5pm", "version": 1}).status_code == 302
    )
    req.refresh_from_db()
    assert (req.notes, req.version) == ("Prefers calls after 5pm", 2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM intake_consultationrequest WHERE id = %s", [req.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:")
    assert "Prefers calls" not in stored
    stale = csrf_post(http, url, {"notes": "Overwrite", "version": 1})
    assert "Someone else changed this record" in stale.content.decode()
    assert "Overwrite" in stale.content.decode()
    req.refresh_from_db()
    assert req.notes == "Prefers calls after 5pm"


def _book_url(req: ConsultationRequest) -> str:
    return reverse("intake:book", args=[req.public_id])


def test_it_offers_the_therapists_free_times_as_a_week_grid(cast: SimpleNamespace) -> None:
    cast.clinic.time_zone = ZONE  # shown in the viewer's (here: the clinic's) zone
    cast.clinic.save()
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic)
    with time_machine.travel(NOW, tick=False):
        body = (
            signed_in(cast.intake)
            .get(_book_url(req), {"therapist": cast.therapist.public_id})
            .content.decode()
        )
    assert "Week of 5 October to 11 October 2026" in body
    assert "Times in Europe/London." in body
    assert body.count('class="slot-button"') == 3  # this week's Tuesday only
    assert "09:00<span" in body
    assert "11:00<span" in body
    assert "Tue 6 Oct" in body


def test_it_books_the_initial_consultation(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic)
    with time_machine.travel(NOW, tick=False):
        response = csrf_post(
            signed_in(cast.intake),
            _book_url(req),
            {"slot": slot_value(cast.therapist, FIRST_SLOT)},
        )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.kind, appointment.request_id) == ("consultation", req.public_id)
    assert (appointment.therapist, appointment.starts_at) == (cast.therapist, FIRST_SLOT)
    req.refresh_from_db()
    assert req.status == S.CONSULTATION_BOOKED
    assert AuditEvent.objects.filter(action="intake.request.consultation_booked").exists()


def test_it_says_when_the_slot_was_just_taken_and_offers_the_rest(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic)
    data = {"therapist": cast.therapist.public_id, "slot": slot_value(cast.therapist, FIRST_SLOT)}
    with time_machine.travel(NOW, tick=False):
        first, second = signed_in(cast.intake), signed_in(cast.admin)
        first.get(_book_url(req), {"therapist": cast.therapist.public_id})
        second.get(_book_url(req), {"therapist": cast.therapist.public_id})
        assert csrf_post(first, _book_url(req), data).status_code == 302
        response = csrf_post(second, _book_url(req), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "That time was just taken — choose another." in body
    assert body.count('class="slot-button"') == 2
    assert Appointment.objects.count() == 1


def test_it_shows_the_error_when_the_booking_service_refuses(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other booking lands between our free-slot check and the insert."""
    tuesday_morning(cast.therapist)
    req = make_request(cast.clinic)
    real_book = booking.book

    def racing_book(**kwargs: object) -> Appointment:
        real_book(**{**kwargs, "request_id": None})  # the other coordinator wins
        return real_book(**kwargs)

    monkeypatch.setattr(booking, "book", racing_book)
    with time_machine.travel(NOW, tick=False):
        response = csrf_post(
            signed_in(cast.intake),
            _book_url(req),
            {"slot": slot_value(cast.therapist, FIRST_SLOT)},
        )
    assert "That time was just taken — choose another." in response.content.decode()
    assert Appointment.objects.count() == 1
    req.refresh_from_db()
    assert req.status == S.NEW
