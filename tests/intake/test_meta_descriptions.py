"""Public pages describe themselves to search engines, each in its own plain words."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import signed_in

META = re.compile(rb'<meta name="description" content="([^"]*)">')
PUBLIC = [
    ("intake:home", {}),
    ("intake:page", {"slug": "what-is-ipt"}),
    ("intake:consultation", {}),
    ("core:login", {}),
]


def _description(url: str) -> str:
    response = HttpClient().get(url)
    assert response.status_code == 200, url
    found = META.findall(response.content)
    assert len(found) == 1, (url, found)
    return html.unescape(found[0].decode())


def test_each_public_page_has_its_own_short_plain_description(cast: SimpleNamespace) -> None:
    descriptions = [_description(reverse(name, kwargs=kwargs)) for name, kwargs in PUBLIC]
    assert len(set(descriptions)) == len(descriptions)
    for text in descriptions:
        assert 30 <= len(text) <= 160, text  # what a results page shows in full
        assert "{" not in text
        assert "<" not in text


def test_a_site_page_is_described_by_its_own_opening_words(cast: SimpleNamespace) -> None:
    page = _description(reverse("intake:page", kwargs={"slug": "what-is-ipt"}))
    body = HttpClient().get(reverse("intake:page", kwargs={"slug": "what-is-ipt"})).content
    opening = page.removesuffix("…")[:40]
    assert html.escape(opening, quote=False).encode() in body.split(b"<h1>", 1)[1]


def test_signed_in_pages_carry_no_description(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(reverse("core:dashboard"))
    assert not META.search(response.content)
