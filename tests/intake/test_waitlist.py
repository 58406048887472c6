"""The waitlist: position, wait time, removal, and offering a therapist's free time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.intake import waitlist
from rapport.intake.models import ConsultationRequest
from tests.factories import csrf_post, signed_in
from tests.intake.queue_helpers import NOW, make_request, tuesday_morning

WAITLIST = reverse("intake:waitlist")
S = ConsultationRequest.Status


def _add(req: ConsultationRequest, days_ago: int, therapist: object = None) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False):
        waitlist.add(req, preferred_therapist=therapist)


def test_it_adds_a_request_and_shows_position_and_wait_time(cast: SimpleNamespace) -> None:
    first = make_request(cast.clinic, name="First Waiting")
    _add(first, days_ago=20)
    req = make_request(cast.clinic, name="Second Waiting")
    url = reverse("intake:waitlist_add", args=[req.public_id])
    with time_machine.travel(NOW - dt.timedelta(days=6), tick=False):
        response = csrf_post(
            signed_in(cast.intake), url, {"preferred_therapist": cast.therapist.public_id}
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.WAITLISTED
    assert req.waitlist.preferred_therapist == cast.therapist
    with time_machine.travel(NOW, tick=False):
        body = signed_in(cast.intake).get(WAITLIST).content.decode()
        detail = signed_in(cast.intake).get(reverse("intake:request", args=[req.public_id]))
    assert body.index("First Waiting") < body.index("Second Waiting")
    assert "20 days" in body
    assert "6 days" in body
    assert "Position 2, waiting 6 days." in detail.content.decode()
    assert AuditEvent.objects.filter(action="intake.request.waitlisted").exists()


def test_it_refuses_to_add_someone_twice(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    _add(req, days_ago=3)
    url = reverse("intake:waitlist_add", args=[req.public_id])
    response = csrf_post(signed_in(cast.intake), url, {"preferred_therapist": ""}, follow=True)
    assert "already on the waitlist" in response.content.decode()
    assert req.waitlist.added_at == NOW - dt.timedelta(days=3)


def test_it_removes_with_a_reason(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    _add(req, days_ago=3)
    url = reverse("intake:waitlist_remove", args=[req.public_id])
    assert csrf_post(signed_in(cast.intake), url, {}).status_code == 302
    req.refresh_from_db()
    assert req.waitlist.removed_at is None  # no reason given: nothing changed
    csrf_post(signed_in(cast.intake), url, {"reason": "withdrew"})
    req.refresh_from_db()
    assert req.waitlist.removed_reason == "withdrew"
    assert req.waitlist.removed_at is not None
    assert req.status == S.CONTACTED
    assert "Nobody is waiting" in signed_in(cast.intake).get(WAITLIST).content.decode()


def test_it_offers_free_time_to_the_longest_waiting_suitable_people(
    cast: SimpleNamespace,
) -> None:
    tuesday_morning(cast.therapist)  # only the therapist has hours; the colleague has none
    for name, days, preference in [
        ("Wants Colleague", 40, cast.colleague),
        ("Longest Open", 30, None),
        ("Wants Therapist", 20, cast.therapist),
        ("Recent Open", 10, None),
        ("Newest Open", 1, None),
    ]:
        _add(make_request(cast.clinic, name=name), days_ago=days, therapist=preference)
    with time_machine.travel(NOW, tick=False):
        entries = list(waitlist.waiting(cast.clinic))
        offers = waitlist.offers(cast.clinic, entries, NOW.date())
        body = signed_in(cast.intake).get(WAITLIST).content.decode()
    assert [offer.therapist for offer in offers] == [cast.therapist]
    names = [entry.request.name for entry in offers[0].candidates]
    assert names == ["Longest Open", "Wants Therapist", "Recent Open"]
    assert body.count("Book consultation</a>") == 3
    book = reverse("intake:book", args=[offers[0].candidates[0].request.public_id])
    assert f"{book}?therapist={cast.therapist.public_id}" in body
