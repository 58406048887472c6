"""The public site: readable without signing in, no session cookie, edited by the clinic admin."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.intake import content
from rapport.intake.models import PublicPage
from tests.factories import csrf_post, signed_in

PUBLIC_URLS = [
    reverse("intake:home"),
    *(reverse("intake:page", args=[page.slug]) for page in content.DEFAULT_PAGES),
    reverse("intake:consultation"),
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_renders_every_public_page_without_login_or_session_cookie(
    url: str, cast: SimpleNamespace
) -> None:
    response = HttpClient().get(url)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Request a consultation" in response.content.decode()
    assert "In crisis? Help is available now" in response.content.decode()


def test_it_sets_only_the_csrf_cookie_on_the_form(cast: SimpleNamespace) -> None:
    response = HttpClient().get(reverse("intake:consultation"))
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}
    assert not HttpClient().get(reverse("intake:home")).cookies


def test_it_creates_the_default_pages_on_first_visit(cast: SimpleNamespace) -> None:
    assert not PublicPage.objects.exists()
    body = HttpClient().get(reverse("intake:home")).content.decode()
    assert PublicPage.objects.filter(clinic=cast.clinic).count() == len(content.DEFAULT_PAGES)
    for page in content.DEFAULT_PAGES:
        assert reverse("intake:page", args=[page.slug]) in body


def test_it_covers_what_the_issue_asks_in_the_default_text(cast: SimpleNamespace) -> None:
    text = " ".join(str(page.body) for page in content.DEFAULT_PAGES)
    for phrase in [
        "cognitive behavioural therapy",
        "Psychodynamic",
        "three phases",
        "Grief",
        "Disputes",
        "Life changes",
        "Loneliness",
        "adolescents",
        "12 to 16 weekly sessions",
        "more severe depression",
        "medication",
    ]:
        assert phrase.lower() in text.lower(), phrase


def test_it_shows_the_default_pages_without_any_clinic(db) -> None:
    response = HttpClient().get(reverse("intake:page", args=["faq"]))
    assert response.status_code == 200
    assert not PublicPage.objects.exists()


def test_it_answers_404_for_an_unknown_page(cast: SimpleNamespace) -> None:
    assert HttpClient().get(reverse("intake:page", args=["nope"])).status_code == 404


def test_it_renders_lists_and_escapes_markup(cast: SimpleNamespace) -> None:
    HttpClient().get(reverse("intake:home"))
    PublicPage.objects.filter(slug="faq").update(
        body="Intro <script>x</script>\n\n- first\n- second"
    )
    body = HttpClient().get(reverse("intake:page", args=["faq"])).content.decode()
    assert "<li>first</li><li>second</li>" in body
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;" in body


def test_it_lets_the_admin_edit_a_page(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    url = reverse("intake:page_edit", args=["what-is-ipt"])
    response = csrf_post(http, url, {"title": "About IPT here", "body": "Our own words.\n\nMore."})
    assert response.status_code == 302
    page = PublicPage.objects.get(clinic=cast.clinic, slug="what-is-ipt")
    assert (page.title, page.body) == ("About IPT here", "Our own words.\n\nMore.")
    event = AuditEvent.objects.get(action="intake.page.updated")
    assert event.actor == cast.admin
    assert event.fields == ["body", "title"]
    home = HttpClient().get(reverse("intake:home")).content.decode()
    assert "About IPT here" in home
    assert "Our own words." in home


def test_it_keeps_the_page_unchanged_on_an_empty_title(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    url = reverse("intake:page_edit", args=["faq"])
    response = csrf_post(http, url, {"title": "", "body": "Changed"})
    assert response.status_code == 200
    assert "Please check the form" in response.content.decode()
    assert PublicPage.objects.get(clinic=cast.clinic, slug="faq").body != "Changed"
    assert not AuditEvent.objects.filter(action="intake.page.updated").exists()


def test_it_lists_only_the_admins_own_clinics_pages(cast: SimpleNamespace) -> None:
    HttpClient().get(reverse("intake:home"))  # the public clinic's pages exist
    PublicPage.objects.filter(clinic=cast.clinic, slug="faq").update(title="Riverside FAQ")
    response = signed_in(cast.admin).get(reverse("intake:page_list"))
    assert "Riverside FAQ" in response.content.decode()


def test_it_refuses_the_editor_to_other_roles(cast: SimpleNamespace) -> None:
    url = reverse("intake:page_edit", args=["faq"])
    assert csrf_post(signed_in(cast.intake), url, {"title": "x", "body": "y"}).status_code == 403
    assert not PublicPage.objects.filter(title="x").exists()


def test_it_keeps_the_home_page_query_count_flat(
    cast: SimpleNamespace, django_assert_num_queries
) -> None:
    http = HttpClient()
    http.get(reverse("intake:home"))
    PublicPage.objects.filter(slug="faq").update(body="Longer.\n\n" * 50)
    # savepoint and release (atomic requests), public clinic, its pages, the
    # context processor's clinic, and the site figures' clinic and count (one UPDATE):
    # none of them grows with the pages' text.
    with django_assert_num_queries(7):
        http.get(reverse("intake:home"))
