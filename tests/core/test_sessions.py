"""Idle (15 min) and absolute (12 h) limits, enforced on the server."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import time_machine
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from tests.factories import csrf_post, signed_in

DASHBOARD = reverse("core:dashboard")
BACKGROUND = {"HTTP_X_RAPPORT_BACKGROUND": "1"}


def test_it_ends_an_idle_session(cast: SimpleNamespace) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        http = signed_in(cast.therapist)
        assert http.get(DASHBOARD).status_code == 200
        clock.shift(timedelta(minutes=16))
        response = http.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))
    assert AuditEvent.objects.filter(action="core.session.expired_idle").exists()


def test_it_keeps_an_active_session(cast: SimpleNamespace) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        http = signed_in(cast.therapist)
        for _ in range(5):
            clock.shift(timedelta(minutes=10))
            assert http.get(DASHBOARD).status_code == 200


def test_background_requests_do_not_extend_the_idle_timer(cast: SimpleNamespace) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        http = signed_in(cast.therapist)
        http.get(DASHBOARD)
        for _ in range(3):
            clock.shift(timedelta(minutes=6))
            background = http.get(DASHBOARD, **BACKGROUND)
        # 18 minutes of only autosave/polling: the session has ended, and says so with 401.
        assert background.status_code == 401
        assert http.get(DASHBOARD).status_code == 302


def test_typing_pings_keep_the_session_alive(cast: SimpleNamespace) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        http = signed_in(cast.therapist)
        for _ in range(4):
            clock.shift(timedelta(minutes=10))
            assert csrf_post(http, reverse("core:session_ping")).status_code == 204
        assert http.get(DASHBOARD).status_code == 200


def test_it_ends_every_session_after_twelve_hours(cast: SimpleNamespace) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        http = signed_in(cast.therapist)
        http.get(DASHBOARD)
        for _ in range(12 * 6 + 1):
            clock.shift(timedelta(minutes=10))
            response = http.get(DASHBOARD)
            if response.status_code != 200:
                break
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="core.session.expired_absolute").exists()
