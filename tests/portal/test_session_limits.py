"""Portal sessions: 15 minutes idle and 4 hours at most, then the portal's own sign-in
page; staff sessions keep their own limits. Sign-in links are limited per address
and per account, and the answer never changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import AuditEvent, OutboundEmail
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SIGNED_OUT = b"You were signed out after a period of inactivity"


def _lands_on_portal_sign_in(http: HttpClient) -> None:
    answer = http.get(reverse("portal:home"))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(reverse("portal:sign_in"))
    assert SIGNED_OUT in http.get(answer.headers["Location"]).content


def test_a_portal_session_ends_after_fifteen_minutes_idle(cast):
    with time_machine.travel(START, tick=False) as clock:
        http = portal_signed_in(make_portal_account(cast.client))
        assert http.get(reverse("portal:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=14))
        assert http.get(reverse("portal:home")).status_code == 200  # still there: not idle
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        _lands_on_portal_sign_in(http)
    assert AuditEvent.objects.filter(action="core.session.expired_idle").exists()


def test_a_portal_session_ends_after_four_hours_however_busy(cast):
    with time_machine.travel(START, tick=False) as clock:
        http = portal_signed_in(make_portal_account(cast.client))
        for _ in range(24):  # a page every ten minutes: never idle
            assert http.get(reverse("portal:home")).status_code == 200
            clock.shift(dt.timedelta(minutes=10))
        clock.shift(dt.timedelta(seconds=1))  # four hours and a second since signing in
        _lands_on_portal_sign_in(http)
    assert AuditEvent.objects.filter(action="core.session.expired_absolute").exists()


def test_a_staff_session_keeps_its_own_longer_limit(cast):
    with time_machine.travel(START, tick=False) as clock:
        http = signed_in(cast.therapist)
        for _ in range(30):  # five hours of work, a page every ten minutes
            assert http.get(reverse("core:dashboard")).status_code == 200
            clock.shift(dt.timedelta(minutes=10))
        assert http.get(reverse("core:dashboard")).status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        idle = http.get(reverse("core:dashboard"))
        assert idle.status_code == 302
        assert idle.headers["Location"].startswith(reverse("core:login"))


def test_portal_pages_give_the_staff_idle_script_nothing_to_act_on(cast):
    # The staff script would send the person to the staff sign-in: the portal's
    # server-side limits end its sessions, and the next page is the portal's sign-in.
    page = portal_signed_in(make_portal_account(cast.client)).get(reverse("portal:home"))
    assert b"data-idle-seconds" not in page.content
    assert b"js/rapport.js" not in page.content


def _ask(email: str) -> bytes:
    """The answer page, less its per-visitor CSRF tokens."""
    http = HttpClient(enforce_csrf_checks=True)
    page = csrf_post(http, reverse("portal:sign_in"), {"email": email}).content
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


def _sent_to(address: str) -> int:
    return sum(row.recipient == address for row in OutboundEmail.objects.all())


def test_links_per_address_are_limited_across_accounts_and_the_answer_never_changes(cast):
    # One parent, guardian of two adolescents: one address, two accounts.
    shared = "parent@example.com"
    make_portal_account(cast.client, role="guardian", email=shared)
    make_portal_account(cast.colleague_client, role="guardian", email=shared)
    with time_machine.travel(START, tick=False) as clock:
        answers = {_ask(shared) for _ in range(7)}
        assert len(answers) == 1  # the same page whether a link went out or not
        # Five requests for the address within the hour, each sending both accounts a link,
        # until each account's own limit (three an hour) stops it.
        assert _sent_to(shared) == 6
        assert AuditEvent.objects.filter(action="portal.sign_in.requested").count() == 5
        clock.shift(dt.timedelta(hours=1, minutes=1))
        _ask(shared)
        assert _sent_to(shared) == 8  # a new hour: links again


def test_the_limit_per_account_holds_whatever_the_spelling_of_the_address(cast):
    account = make_portal_account(cast.client, email="casey@example.com")
    with time_machine.travel(START, tick=False):
        for spelling in ("casey@example.com", "CASEY@example.com", " Casey@Example.com "):
            for _ in range(2):
                _ask(spelling)
    assert _sent_to(account.email) == 3


def test_an_unknown_address_is_limited_like_a_known_one(cast):
    make_portal_account(cast.client, email="known@example.com")
    with time_machine.travel(START, tick=False):
        unknown = {_ask("unknown@example.com") for _ in range(7)}
        known = {_ask("known@example.com") for _ in range(7)}
    assert unknown == known  # no difference to measure
    assert AuditEvent.objects.filter(action="portal.sign_in.requested").count() == 10
