"""Password reset links name this installation, never the caller's Host header, and
requests are limited per account and per address without revealing either."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import Role, User
from rapport.core.outbox import send_due_emails
from rapport.core.views.auth import RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS
from tests.factories import csrf_post, make_staff, signed_in

FORGOT = reverse("core:forgot_password")
BASE = "https://rapport.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.RAPPORT_BASE_URL = BASE


def _ask(username: str, address: str = "10.0.0.1", **headers: str):
    http = HttpClient(enforce_csrf_checks=True, REMOTE_ADDR=address, **headers)
    return csrf_post(http, FORGOT, {"username": username})


def _delivered() -> list:
    send_due_emails("test-worker")
    return mail.outbox


def test_the_reset_link_ignores_a_forged_host_header(cast: SimpleNamespace) -> None:
    response = _ask("therapist", HTTP_HOST="localhost")
    assert response.status_code == 200
    [message] = _delivered()
    assert f"{BASE}/account/set-password/{cast.therapist.public_id}/" in message.body
    assert "localhost" not in message.body
    assert "localhost" not in message.alternatives[0][0]


def test_invitation_links_ignore_the_host_header_too(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    data = {
        "first_name": "Noor",
        "last_name": "Haddad",
        "username": "noor",
        "email": "noor@clinic.example",
        "roles": [Role.THERAPIST],
    }
    csrf_post(http, reverse("core:staff_invite"), data, HTTP_HOST="127.0.0.1")
    [message] = _delivered()
    assert f"{BASE}/account/set-password/" in message.body
    assert "127.0.0.1" not in message.body


def test_it_limits_resets_per_account_across_addresses(cast: SimpleNamespace) -> None:
    answers = {
        _ask("therapist", address=f"10.0.1.{n}").content for n in range(RESETS_PER_ACCOUNT + 3)
    }
    assert len(_delivered()) == RESETS_PER_ACCOUNT
    assert len(answers) == 1  # the limit does not show in the answer


def test_it_limits_resets_per_address_across_accounts(cast: SimpleNamespace) -> None:
    for n in range(RESETS_PER_ADDRESS):
        _ask(f"nobody{n}")  # unknown names count against the address too
    limited = _ask("therapist")
    assert _delivered() == []
    # Another address still gets its link.
    _ask("therapist", address="10.0.0.2")
    [message] = _delivered()
    assert message.to == [cast.therapist.email]
    assert limited.content == _ask("nobody-at-all", address="10.0.0.3").content


def test_the_answer_never_reveals_whether_an_account_exists(cast: SimpleNamespace) -> None:
    User.objects.filter(pk=make_staff(cast.clinic, "noemail", Role.THERAPIST).pk).update(email="")
    answers = {
        _ask(name, address=f"10.0.2.{n}").content
        for n, name in enumerate(["therapist", "nobody", "noemail"])
    }
    assert len(answers) == 1
    assert len(_delivered()) == 1
