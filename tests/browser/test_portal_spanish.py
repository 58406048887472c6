"""The client portal from end to end in Spanish (issue 11, "Done when": "a Spanish-speaking
client does the same in Spanish"), on a phone with axe on every page.

A client whose stored language is Spanish asks for a sign-in link on the portal's sign-in
page (switched to Spanish), receives it in a Spanish e-mail, sees what is due, answers the
PHQ-9 in its official Spanish wording, writes a mood entry and a communication analysis,
acknowledges the treatment contract and downloads an appointment: every page is Spanish,
``<html lang="es">``. Then the therapist, in English, sees all of it in the next note.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.core.models import OutboundEmail
from rapport.measures.models import Response
from tests.browser.harness import audit, click, expect_path, visit
from tests.browser.portal_helpers import NARROWEST, link_from_outbox, portal_phone
from tests.browser.portal_journey import (
    calendar_file,
    prepare,
    therapist_sees_it_all_in_the_next_note,
)
from tests.browser.questionnaire_helpers import answer
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser

MOOD_EVENT = "Caminé con Jo y hablamos."
ANALYSIS = {
    "¿Qué pasó?": "Mi hermana canceló otra vez nuestro almuerzo.",
    "¿Qué dije?": "Está bien, como quieras.",
    "¿Qué quise decir?": "Te extraño y me sentí decepcionada.",
    "¿Qué entendió la otra persona?": "Que no me importaba.",
    "¿Cómo me sentí?": "Dolida, y luego enojada conmigo misma.",
    "¿Qué otra cosa podría decir la próxima vez?": "Tenía ganas de verte. ¿Elegimos un día?",
}
DUE = (
    "Responda sus cuestionarios (PHQ-9)",
    "Califique su estado de ánimo de hoy",
    "Completar un análisis de comunicación",
    "Lea y confirme su acuerdo de tratamiento",
)
# Words of the English pages that must not be left on a Spanish one.
ENGLISH = ("Sign out", "Need help now?", "Appointments", "Practice", "Save", "To do", "Hello")


def _in_spanish(page: Page) -> None:
    """The page is marked Spanish and its frame (navigation, crisis lines) speaks it."""
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="¿Necesita ayuda ahora?")).to_be_visible()
    expect(
        page.get_by_role("heading", name="¿Está en crisis? Hay ayuda disponible ahora")
    ).to_be_attached()
    body = page.locator("body").inner_text()
    left = [word for word in ENGLISH if f"\n{word}\n" in f"\n{body}\n"]
    assert not left, f"English left on {page.url}: {left}"


def _home(page: Page) -> None:
    visit(page, reverse("portal:home"))
    _in_spanish(page)


def _sign_in_in_spanish(page: Page, live_server: LiveServer, email: str, clinic: str) -> None:
    visit(page, reverse("portal:sign_in"))
    click(page, page.get_by_role("button", name="Español"))  # the switch: a plain form
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Su correo electrónico").fill(email)
    click(page, page.get_by_role("button", name="Enviarme un enlace para iniciar sesión"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("status")).to_contain_text("Si esta dirección")
    # The e-mail is written in the client's stored language.
    assert (
        OutboundEmail.objects.latest("pk").subject == f"Su enlace para iniciar sesión en {clinic}"
    )
    visit(page, live_server.url + link_from_outbox(email))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    click(page, page.get_by_role("button", name="Continuar a mi portal"))
    expect_path(page, "portal:home")


def test_a_spanish_speaking_client_does_everything_due_in_spanish(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    cast.client.preferred_language = "es"
    cast.client.save()
    journey = prepare(cast)
    account = make_portal_account(cast.client)
    assert account.language == "es"  # a new account starts in the client's language
    phone = portal_phone(new_page)
    _sign_in_in_spanish(phone, live_server, account.email, cast.clinic.name)

    # What is due, in Spanish.
    _in_spanish(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Hola, {cast.client.given_name}")
    expect(phone.get_by_text("Nadie revisa este portal las 24 horas.")).to_be_visible()
    to_do = phone.get_by_role("region", name="Pendiente")
    for item in DUE:
        expect(to_do.get_by_role("link", name=item)).to_be_visible()

    # The PHQ-9 in its official Spanish wording.
    click(phone, to_do.get_by_role("link", name=DUE[0]))
    _in_spanish(phone)
    expect(phone.get_by_text("Poco interés o placer en hacer cosas")).to_be_visible()
    expect(
        phone.get_by_text("Pensamientos de que estaría mejor muerto(a) o de lastimarse")
    ).to_be_visible()
    for n in range(1, 9):
        answer(phone, "phq9", f"q{n}", "Varios días")
    answer(phone, "phq9", "q9", "Ningún día")
    answer(phone, "phq9", "difficulty", "Un poco difícil")
    phone.set_viewport_size(NARROWEST)  # the longest page, at 320 px
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROWEST["width"]
    audit(phone)
    click(phone, phone.get_by_role("button", name="Enviar mis respuestas"))
    _in_spanish(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Gracias: sus respuestas se enviaron"
    )
    response = Response.objects.get(client=cast.client)
    assert response.instrument_version == "1-es"  # the Spanish form, recorded as such

    # A mood entry and a communication analysis, asked in Spanish.
    _home(phone)
    click(phone, phone.get_by_role("link", name=DUE[1]))
    _in_spanish(phone)
    phone.get_by_label("6", exact=True).check()
    phone.get_by_label("¿Pasó algo hoy con alguien que afectó su estado de ánimo?").fill(MOOD_EVENT)
    click(phone, phone.get_by_role("button", name="Guardar"))
    _in_spanish(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Registro diario del estado de ánimo"
    )
    expect(phone.get_by_role("main")).to_contain_text(MOOD_EVENT)
    _home(phone)
    click(phone, phone.get_by_role("link", name=DUE[2]))
    _in_spanish(phone)
    for label, text in ANALYSIS.items():
        phone.get_by_label(label).fill(text)
    click(phone, phone.get_by_role("button", name="Guardar"))
    _in_spanish(phone)
    expect(phone.get_by_role("main")).to_contain_text("Que no me importaba.")

    # The contract, read and acknowledged in Spanish.
    _home(phone)
    click(phone, phone.get_by_role("link", name=DUE[3]))
    _in_spanish(phone)
    expect(phone.get_by_role("heading", name="Mi plan", level=1)).to_be_visible()
    expect(
        phone.get_by_role("heading", name="El duelo por la muerte de un ser querido")
    ).to_be_visible()
    expect(phone.get_by_text("Semanal")).to_be_visible()
    phone.get_by_label("Leí este acuerdo y estoy de acuerdo con él.").check()
    click(phone, phone.get_by_role("button", name="Confirmar mi acuerdo"))
    _in_spanish(phone)
    expect(phone.get_by_text("Gracias. Su confirmación quedó registrada.")).to_be_visible()
    journey.contract.refresh_from_db()
    assert journey.contract.portal_acknowledged_at is not None
    click(
        phone, phone.get_by_role("link", name="Abrir el plan de seguridad para leerlo o imprimirlo")
    )
    _in_spanish(phone)
    expect(phone.get_by_text("1. Señales de alerta de que podría estar empezando")).to_be_visible()

    # The appointment, to the calendar.
    click(phone, phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Citas"))
    _in_spanish(phone)
    expect(phone.get_by_text("Los horarios se muestran en su zona horaria")).to_be_visible()
    calendar = calendar_file(phone, "a mi calendario")
    assert "SUMMARY:Cita — " in calendar
    assert cast.client.family_name not in calendar

    # The therapist reads it all in English, the client's words as written.
    therapist_sees_it_all_in_the_next_note(
        new_page(), cast, {"mood": MOOD_EVENT} | ANALYSIS, phq9_total=8
    )
