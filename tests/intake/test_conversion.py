"""Converting a consultation request into a client and an IPT episode, in one step."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.clients.models import Client
from rapport.core.models import AuditEvent
from rapport.intake import conversion, waitlist
from rapport.intake.models import ConsultationRequest
from rapport.ipt import catalogue
from rapport.scheduling.models import Appointment
from tests.factories import csrf_post, signed_in
from tests.intake.queue_helpers import CONCERN, make_request, make_screened_request

S = ConsultationRequest.Status


def _form(cast: SimpleNamespace, **changes: object) -> dict[str, object]:
    data = {
        "given_name": "Robin",
        "family_name": "Example",
        "date_of_birth": "1985-04-02",
        "therapist": cast.colleague.public_id,
        "started_on": "2026-10-06",
    }
    return {**data, **changes}


def _url(req: ConsultationRequest) -> str:
    return reverse("intake:convert", args=[req.public_id])


def test_it_creates_the_client_and_opens_the_episode(cast: SimpleNamespace) -> None:
    req = make_screened_request(cast.clinic, others=2, name="Robin Example", phone="0123")
    response = csrf_post(signed_in(cast.intake), _url(req), _form(cast))
    client = Client.objects.get(given_name="Robin", family_name="Example")
    assert response.status_code == 302
    assert response.url == reverse("clients:detail", args=[client.public_id])
    assert client.assigned_therapist == cast.colleague
    assert (client.email, client.phone, client.date_of_birth) == (
        req.email,
        "0123",
        dt.date(1985, 4, 2),
    )
    assert CONCERN in client.background
    episode = client.episodes.get()
    assert (episode.therapist, episode.baseline_phq9) == (cast.colleague, 16)
    assert episode.started_on == dt.date(2026, 10, 6)
    assert episode.variant == catalogue.Variant.STANDARD
    req.refresh_from_db()
    assert (req.client, req.status) == (client, S.ACCEPTED)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"intake.request.converted", "clients.client.created", "ipt.episode.created"} <= actions


def test_it_prefills_a_sensible_name_split(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic, name="Mary Ann van Dyke")
    body = signed_in(cast.intake).get(_url(req)).content.decode()
    assert 'value="Mary Ann van"' in body
    assert 'value="Dyke"' in body
    assert conversion.split_name("Prince") == ("Prince", "")


def test_it_refuses_to_convert_twice(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    conversion.convert(
        req,
        given_name="A",
        family_name="B",
        date_of_birth=dt.date(1990, 1, 1),
        therapist=cast.therapist,
        started_on=dt.date(2026, 10, 6),
    )
    stale = ConsultationRequest.objects.get(pk=req.pk)
    stale.client_id = None  # a second coordinator's page, loaded before the first converted
    with pytest.raises(conversion.ConversionError):
        conversion.convert(
            stale,
            given_name="A",
            family_name="B",
            date_of_birth=dt.date(1990, 1, 1),
            therapist=cast.therapist,
            started_on=dt.date(2026, 10, 6),
        )
    assert Client.objects.filter(given_name="A").count() == 1
    response = signed_in(cast.intake).get(_url(req))
    assert response.status_code == 302  # already converted: to the client


def test_it_keeps_input_and_creates_nothing_on_a_validation_error(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    before = Client.objects.count()
    response = csrf_post(
        signed_in(cast.intake), _url(req), _form(cast, date_of_birth="", given_name="Kept")
    )
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()
    assert Client.objects.count() == before
    req.refresh_from_db()
    assert req.status == S.NEW


def test_it_takes_the_person_off_the_waitlist_and_links_their_consultation(
    cast: SimpleNamespace,
) -> None:
    req = make_request(cast.clinic, age_group=ConsultationRequest.AgeGroup.ADOLESCENT)
    waitlist.add(req, preferred_therapist=None)
    start = dt.datetime(2026, 10, 6, 8, tzinfo=dt.UTC)
    Appointment.objects.create(
        clinic=cast.clinic,
        therapist=cast.colleague,
        kind="consultation",
        request_id=req.public_id,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=50),
    )
    csrf_post(signed_in(cast.intake), _url(req), _form(cast, date_of_birth="2011-02-03"))
    req.refresh_from_db()
    assert req.waitlist.removed_at is not None
    assert req.waitlist.removed_reason == waitlist.CONVERTED
    assert Appointment.objects.get().client == req.client
    assert req.client.episodes.get().variant == catalogue.Variant.ADOLESCENT
