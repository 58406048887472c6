"""A Spanish-speaking client on a phone: switches the public site to Spanish, requests a
consultation, then answers a questionnaire link that opens in Spanish (their stored
language), with the official Spanish PHQ-9, and sees crisis resources in Spanish."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.core.models import OutboundEmail
from rapport.intake.models import ConsultationRequest
from rapport.measures.models import Response, SafetyAlert
from tests.browser.harness import audit, click, expect_path, visit
from tests.browser.questionnaire_helpers import answer, phone, run_jobs, with_crisis_resources
from tests.measures.admin_helpers import schedule_invitation

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 700}


def test_a_spanish_speaking_person_requests_a_consultation_in_spanish(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    with_crisis_resources(cast.clinic)
    page = phone(new_page)
    visit(page, reverse("intake:home"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    click(page, page.get_by_role("button", name="Español"))  # a plain form, no script needed
    expect(page.locator("html")).to_have_attribute("lang", "es")
    click(page, page.get_by_role("link", name="Solicitar una consulta").last)
    expect_path(page, "intake:consultation")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_label("Su nombre").fill("Ana Ejemplo")
    page.get_by_label("Correo electrónico", exact=True).check()
    page.get_by_label("Dirección de correo electrónico").fill("ana@example.com")
    page.get_by_label("De 18 a 64 años").check()
    page.get_by_label("¿Qué le está pasando en este momento?").fill("Me siento triste.")
    page.get_by_text("Opcional: un cuestionario breve sobre su estado de ánimo").click()
    expect(page.get_by_text("Poco interés o placer en hacer cosas")).to_be_visible()
    for n in range(1, 9):
        page.locator(f"#phq9-q{n}").get_by_label("Ningún día", exact=True).check()
    page.locator("#phq9-q9").get_by_label("Varios días", exact=True).check()
    page.locator("#phq9-difficulty").get_by_label("Un poco difícil", exact=True).check()
    page.get_by_label("Acepto que el consultorio se comunique conmigo").check()
    page.set_viewport_size(NARROW)
    audit(page)  # the filled form, at 320 px
    click(page, page.get_by_role("button", name="Enviar mi solicitud"))

    crisis = page.get_by_role("alert").filter(has_text="hay ayuda disponible ahora mismo")
    expect(crisis).to_be_in_viewport()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias: recibimos su solicitud")
    request = ConsultationRequest.objects.get()
    assert request.urgent
    # The acknowledgement is written in the language the person wrote in.
    acknowledgement = OutboundEmail.objects.latest("pk")
    assert acknowledgement.subject == "Recibimos su solicitud"
    assert "Ana" not in acknowledgement.subject + acknowledgement.text_body


def test_a_spanish_speaking_client_answers_a_questionnaire_link_in_spanish(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)
    cast.client.preferred_language = "es"
    cast.client.save()
    schedule_invitation(cast.client, cast.episode)
    link = run_jobs()
    assert mail.outbox[0].subject == "Su control antes de la próxima cita"

    client = phone(new_page)
    visit(client, link)  # no cookie: the client's stored language
    expect(client.locator("html")).to_have_attribute("lang", "es")
    expect(client.get_by_role("heading", level=1)).to_have_text(
        "Su control antes de la próxima cita"
    )
    expect(client.get_by_text("Durante las últimas 2 semanas, ¿qué tan seguido")).to_have_count(2)
    for n in range(1, 9):
        answer(client, "phq9", f"q{n}", "Ningún día")
    answer(client, "phq9", "q9", "Varios días")
    answer(client, "phq9", "difficulty", "Un poco difícil")
    for n in range(1, 8):
        answer(client, "gad7", f"q{n}", "Ningún día")
    expect(client.get_by_text("Respondió 17 de 18 preguntas")).to_be_visible()
    client.set_viewport_size(NARROW)
    audit(client)
    click(client, client.get_by_role("button", name="Enviar mis respuestas"))

    crisis = client.get_by_role("alert").filter(has_text="hay ayuda disponible ahora mismo")
    expect(crisis).to_be_in_viewport()
    expect(crisis).to_contain_text("Nadie revisa este formulario en tiempo real.")
    expect(client.get_by_role("heading", level=1)).to_have_text(
        "Gracias: sus respuestas se enviaron"
    )
    assert set(Response.objects.values_list("instrument_version", flat=True)) == {"1-es"}
    assert SafetyAlert.objects.filter(client=cast.client, item="q9").count() == 1


def test_a_client_switches_the_portal_to_spanish_and_it_stays_spanish(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server
) -> None:
    from rapport.portal.models import PortalAccount
    from tests.browser.portal_helpers import NARROWEST, portal_phone, sign_in_portal
    from tests.factories import make_portal_account

    account = make_portal_account(cast.client)
    page = portal_phone(new_page)
    sign_in_portal(page, live_server, account)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    click(page, page.get_by_role("button", name="Español"))
    expect_path(page, "portal:home")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    page.set_viewport_size(NARROWEST)
    audit(page)
    cast.client.refresh_from_db()
    assert PortalAccount.objects.get(pk=account.pk).language == "es"
    assert cast.client.preferred_language == "es"
