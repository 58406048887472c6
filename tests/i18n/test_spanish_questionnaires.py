"""The Spanish PHQ-9 and GAD-7: official wording, identical scores, the same safety workflow,
and a stored response that says which form was used."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.core.models import OutboundEmail
from rapport.measures import engine, instruments
from rapport.measures.instruments.base import version_language
from rapport.measures.models import Response, SafetyAlert
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)

SPANISH_CRISIS = "Si está pensando en hacerse daño, hay ayuda disponible ahora mismo"


def _spanish_link(cast: SimpleNamespace) -> str:
    cast.clinic.crisis_resources = [{"label": "Línea de crisis", "contact": "555-0100"}]
    cast.clinic.save()
    cast.client.preferred_language = "es"
    cast.client.save()
    schedule_invitation(cast.client, cast.episode)
    return reverse("questionnaires:form", args=[send_and_read_token()])


def _submit(url: str, answers: dict) -> object:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(url)
    token = http.cookies["csrftoken"].value
    return http.post(url, post_data(answers) | {"csrfmiddlewaretoken": token})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(0, 3))
def test_spanish_and_english_phq9_score_the_same(values: list[int], difficulty: int) -> None:
    answers = {f"q{n}": v for n, v in enumerate(values, start=1)} | {"difficulty": difficulty}
    english = instruments.get("phq9")
    spanish = english.in_language("es")
    assert spanish.language == "es"
    assert spanish.items[0].text != english.items[0].text
    assert engine.score(spanish, answers) == engine.score(english, answers)


def test_the_spanish_options_map_to_the_english_options_loinc_answers() -> None:
    for code in ("phq9", "gad7"):
        english = instruments.get(code)
        spanish = english.in_language("es")
        for mine, theirs in zip(spanish.items, english.items, strict=True):
            assert mine.key == theirs.key
            assert mine.loinc == theirs.loinc
            assert [(o.value, o.loinc) for o in mine.options] == [
                (o.value, o.loinc) for o in theirs.options
            ]
            assert all(o.loinc.startswith("LA") for o in mine.options)


def test_the_definitions_cite_their_source() -> None:
    for code in ("phq9", "gad7"):
        wording = instruments.get(code).wordings["es"]
        assert "phqscreeners.com" in wording.source
    assert instruments.get("gad7").in_language("es").licence_note.startswith("[VERIFICAR]")


def test_item_9_in_spanish_shows_crisis_resources_at_once_and_raises_the_alert(
    cast: SimpleNamespace,
) -> None:
    url = _spanish_link(cast)
    page = _submit(url, {"phq9": phq9(item9=2, rest=1), "gad7": gad7(1)})
    html = page.content.decode()
    assert SPANISH_CRISIS in html
    assert "555-0100" in html
    alert = SafetyAlert.objects.get(client=cast.client)
    assert (alert.item, alert.value, alert.severity, alert.status) == ("q9", 2, "critical", "open")
    response = Response.objects.get(instrument="phq9")
    # Same score and band as in English; the band is stored as the catalogue's label.
    assert (response.total, response.band) == (10, "moderate")
    assert response.instrument_version == "1-es"
    assert version_language(response.instrument_version) == "es"


def test_an_unfinished_spanish_phq9_with_item_9_still_alerts(cast: SimpleNamespace) -> None:
    url = _spanish_link(cast)
    answers = phq9(item9=1, rest=0)
    del answers["q3"]
    page = _submit(url, {"phq9": answers, "gad7": gad7(0)})
    assert SPANISH_CRISIS in page.content.decode()
    assert SafetyAlert.objects.filter(client=cast.client, item="q9").count() == 1


def test_an_english_response_records_the_english_form(cast: SimpleNamespace) -> None:
    schedule_invitation(cast.client, cast.episode)
    url = reverse("questionnaires:form", args=[send_and_read_token()])
    _submit(url, {"phq9": phq9(), "gad7": gad7(0)})
    assert set(Response.objects.values_list("instrument_version", flat=True)) == {"1"}


def test_booking_and_reminder_e_mails_use_the_client_s_language(cast: SimpleNamespace) -> None:
    from rapport.scheduling import confirmations, reminders
    from tests.scheduling.helpers_l import course, sessions

    cast.client.preferred_language = "es"
    cast.client.save()
    first = sessions(course(cast, count=2))[0]
    assert confirmations.confirm_booking(first)
    booked = OutboundEmail.objects.latest("pk")
    assert booked.subject == "Su cita está reservada"
    assert "Su cita con" in booked.text_body
    message = reminders._message(first, cast.client.email, 120)
    assert message.subject == "Recordatorio de cita"
    assert "Le recordamos su cita" in message.body
    # The day as Spanish writes it ("martes, 1 de diciembre de 2026"), not "martes 1 diciembre".
    spanish_day = re.compile(r"\b[a-zé]+, \d{1,2} de [a-z]+ de \d{4}\b")
    assert spanish_day.search(booked.text_body), booked.text_body
    assert spanish_day.search(message.body), message.body
    for text in (booked.subject, booked.text_body, message.subject, message.body):
        assert cast.client.family_name not in text
        assert cast.client.given_name not in text


def test_a_stored_response_is_worded_as_it_was_answered() -> None:
    spanish = instruments.as_answered("phq9", "1-es")
    assert spanish.item("q9").text.startswith("Pensamientos de que estaría mejor muerto(a)")
    assert instruments.as_answered("phq9", "1").item("q1").text == (
        "Little interest or pleasure in doing things"
    )


def test_a_spanish_portal_account_answers_the_official_spanish_phq9(
    cast: SimpleNamespace,
) -> None:
    from tests.factories import csrf_post, make_portal_account, portal_signed_in

    cast.client.preferred_language = "es"
    cast.client.save()
    invitation = schedule_invitation(cast.client, cast.episode)
    send_and_read_token()
    http = portal_signed_in(make_portal_account(cast.client))
    url = reverse("portal:questionnaire", args=[invitation.public_id])
    page = http.get(url).content.decode()
    assert '<html lang="es">' in page
    assert "Poco interés o placer en hacer cosas" in page
    csrf_post(http, url, post_data({"phq9": phq9(item9=1), "gad7": gad7(0)}))
    response = Response.objects.get(instrument="phq9")
    assert response.instrument_version == "1-es"
    assert SafetyAlert.objects.filter(response=response, item="q9").exists()
