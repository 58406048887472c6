"""Choosing a language: the switch, the client's stored preference, and English staff pages."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.portal.models import PortalAccount
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in
from tests.measures.admin_helpers import schedule_invitation, send_and_read_token

SPANISH_HOME = "Solicitar una consulta"


def _lang(page: object) -> str:
    html = page.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_it_switches_the_public_site_to_spanish_without_javascript(cast: SimpleNamespace) -> None:
    http = HttpClient()
    home = http.get("/")
    assert _lang(home) == "en"
    assert not home.cookies  # reading the site sets no cookie until the visitor asks
    assert 'name="language" value="es"' in home.content.decode()
    switched = http.get(reverse("choose_language"), {"language": "es", "next": "/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/"
    page = http.get("/")
    assert _lang(page) == "es"
    assert SPANISH_HOME in page.content.decode()
    # The switch now offers English, named in English.
    assert 'value="en" lang="en">English</button>' in page.content.decode()


def test_pages_with_a_form_post_the_switch_to_set_language(cast: SimpleNamespace) -> None:
    http = HttpClient()
    form = http.get(reverse("intake:consultation")).content.decode()
    assert f'method="post" action="{reverse("set_language")}"' in form
    next_url = reverse("intake:consultation")
    switched = csrf_post(http, reverse("set_language"), {"language": "es", "next": next_url})
    assert switched["Location"] == next_url
    assert _lang(http.get(next_url)) == "es"


def test_the_switch_never_leaves_the_site_nor_sets_an_unknown_language(
    cast: SimpleNamespace,
) -> None:
    http = HttpClient()
    response = http.get(
        reverse("choose_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_it_shows_the_consultation_form_in_spanish_with_the_official_phq9(
    cast: SimpleNamespace,
) -> None:
    http = HttpClient(headers={"accept-language": "es"})
    page = http.get(reverse("intake:consultation")).content.decode()
    assert "Enviar mi solicitud" in page
    assert "Poco interés o placer en hacer cosas" in page  # the self-screen's PHQ-9


def test_staff_pages_stay_english_whatever_the_language_cookie(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = http.get(reverse("core:dashboard"))
    assert _lang(page) == "en"
    assert 'name="language"' not in page.content.decode()  # no switch on staff pages
    assert _lang(http.get(reverse("core:login"))) == "en"


def test_a_questionnaire_link_opens_in_the_client_s_stored_language(cast: SimpleNamespace) -> None:
    cast.client.preferred_language = "es"
    cast.client.save()
    schedule_invitation(cast.client, cast.episode)
    url = reverse("questionnaires:form", args=[send_and_read_token()])
    page = HttpClient(headers={"accept-language": "en"}).get(url)
    html = page.content.decode()
    assert _lang(page) == "es"
    assert page["Content-Language"] == "es"
    assert "Poco interés o placer en hacer cosas" in html
    assert "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta" in html
    assert "[VERIFICAR]" in html  # the GAD-7's difficulty item is shipped with its note
    # The reader's own choice (the switch's cookie) still wins.
    english = HttpClient()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Little interest or pleasure in doing things" in english.get(url).content.decode()


def test_a_client_reads_the_invitation_e_mail_in_spanish_with_no_name_in_it(
    cast: SimpleNamespace,
) -> None:
    from django.core import mail

    cast.client.preferred_language = "es"
    cast.client.save()
    schedule_invitation(cast.client, cast.episode)
    send_and_read_token()
    message = mail.outbox[0]
    assert message.subject == "Su control antes de la próxima cita"
    for part in (message.subject, message.body, message.alternatives[0][0]):
        assert cast.client.given_name not in part
        assert cast.client.family_name not in part
        assert "PHQ" not in part
    assert "Empezar el control" in message.alternatives[0][0]


def test_an_english_client_still_gets_english_e_mails(cast: SimpleNamespace) -> None:
    from django.core import mail

    schedule_invitation(cast.client, cast.episode)
    send_and_read_token()
    assert mail.outbox[0].subject == "Your check-in before your next appointment"


def test_staff_set_the_client_s_language_on_the_client_form(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    url = reverse("clients:edit", args=[cast.client.public_id])
    form = http.get(url).content.decode()
    assert 'name="preferred_language"' in form
    data = {
        "given_name": cast.client.given_name,
        "family_name": cast.client.family_name,
        "preferred_name": "",
        "date_of_birth": cast.client.date_of_birth.isoformat(),
        "email": cast.client.email,
        "phone": cast.client.phone,
        "preferred_channel": cast.client.preferred_channel,
        "preferred_language": "es",
        "assigned_therapist": cast.client.assigned_therapist_id,
        "version": cast.client.version,
    }
    assert csrf_post(http, url, data).status_code == 302
    cast.client.refresh_from_db()
    assert cast.client.preferred_language == "es"


def test_the_portal_switch_keeps_the_choice_on_the_account_and_the_client(
    cast: SimpleNamespace,
) -> None:
    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    response = csrf_post(
        http, reverse("portal:language"), {"language": "es", "next": reverse("portal:home")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    account.refresh_from_db()
    cast.client.refresh_from_db()
    assert (account.language, cast.client.preferred_language) == ("es", "es")
    home = http.get(reverse("portal:home"))
    assert _lang(home) == "es"
    assert "Cerrar sesión" in home.content.decode()
    assert AuditEvent.objects.filter(action="portal.language.changed").exists()


def test_a_guardian_s_choice_is_their_own(cast: SimpleNamespace) -> None:
    guardian = make_portal_account(cast.client, role="guardian")
    csrf_post(portal_signed_in(guardian), reverse("portal:language"), {"language": "es"})
    guardian.refresh_from_db()
    cast.client.refresh_from_db()
    assert (guardian.language, cast.client.preferred_language) == ("es", "en")


def test_the_portal_switch_changes_nothing_for_a_language_it_does_not_offer(
    cast: SimpleNamespace,
) -> None:
    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    response = csrf_post(
        http, reverse("portal:language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:home")  # never off-site
    assert PortalAccount.objects.get(pk=account.pk).language == "en"


def test_a_new_portal_account_starts_in_the_client_s_language(cast: SimpleNamespace) -> None:
    cast.client.preferred_language = "es"
    cast.client.save()
    assert make_portal_account(cast.client).language == "es"


def test_the_reminder_reply_page_opens_in_the_client_s_language(cast: SimpleNamespace) -> None:
    from rapport.scheduling import reminders
    from tests.scheduling.helpers_l import course, sessions

    cast.client.preferred_language = "es"
    cast.client.save()
    soon = timezone.localdate() + timedelta(days=14)
    first = sessions(course(cast, count=1, first=soon))[0]
    url = reverse("scheduling:reminder_reply", args=[reminders.reply_token(first)])
    page = HttpClient().get(url)
    assert _lang(page) == "es"
    assert "Pedir otra fecha" in page.content.decode()
