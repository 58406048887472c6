"""Signing in to the portal by e-mailed link: what a client relies on."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import OutboundEmail
from tests.factories import csrf_post, make_portal_account, portal_signed_in

pytestmark = pytest.mark.django_db


def _link_from_outbox() -> str:
    body = OutboundEmail.objects.order_by("-pk").first().text_body
    return re.search(r"\S*/portal/sign-in/link/\?sesame=\S+", body).group(0)


def test_a_link_signs_in_once_and_only_by_its_button(cast):
    account = make_portal_account(cast.client)
    http = HttpClient(enforce_csrf_checks=True)
    answer = csrf_post(http, reverse("portal:sign_in"), {"email": account.email.upper()})
    assert b"If this address belongs to a portal account" in answer.content
    link = _link_from_outbox()
    assert cast.client.family_name not in OutboundEmail.objects.get().subject

    token = link.split("sesame=")[1]
    opened = http.get(reverse("portal:link"), {"sesame": token})
    assert b"Continue to my portal" in opened.content
    assert http.get(reverse("portal:home")).status_code != 200  # a GET signs no one in

    signed = csrf_post(http, f"{reverse('portal:link')}?sesame={token}")
    assert signed.headers["Location"] == reverse("portal:home")
    home = http.get(reverse("portal:home"))
    assert home.status_code == 200
    assert cast.client.given_name.encode() in home.content

    stranger = HttpClient(enforce_csrf_checks=True)
    again = csrf_post(stranger, f"{reverse('portal:link')}?sesame={token}")
    assert again.status_code == 400  # single use


def test_an_unknown_address_gets_the_same_answer_and_no_mail(cast):
    http = HttpClient(enforce_csrf_checks=True)
    answer = csrf_post(http, reverse("portal:sign_in"), {"email": "nobody@example.com"})
    assert b"If this address belongs to a portal account" in answer.content
    assert not OutboundEmail.objects.exists()


def test_requests_per_address_are_limited(cast):
    account = make_portal_account(cast.client)
    for _ in range(8):
        csrf_post(
            HttpClient(enforce_csrf_checks=True),
            reverse("portal:sign_in"),
            {"email": account.email},
        )
    assert OutboundEmail.objects.count() == 3  # the per-account limit, within the per-address one


def test_a_portal_session_reaches_no_staff_page(cast):
    http = portal_signed_in(make_portal_account(cast.client))
    assert http.get(reverse("core:dashboard")).status_code == 403
    assert http.get(reverse("clients:list")).status_code == 403


def test_a_revoked_account_is_signed_out(cast):
    from rapport.portal.accounts import revoke

    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    assert http.get(reverse("portal:home")).status_code == 200
    revoke(account, by=cast.therapist)
    answer = http.get(reverse("portal:home"))
    assert answer.status_code == 302
    assert reverse("portal:sign_in") in answer.headers["Location"]
