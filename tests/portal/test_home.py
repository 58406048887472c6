"""The portal's home: the next appointment in the reader's zone, what is due, the
crisis resources and the "not monitored" notice; a guardian sees the shared parts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from rapport.portal import due
from rapport.portal.due import DueItem
from rapport.scheduling.models import Appointment
from tests.factories import make_portal_account, portal_signed_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


def _appointment(cast, starts_at: dt.datetime, **fields) -> Appointment:
    return Appointment.objects.create(
        clinic=cast.clinic,
        client=cast.client,
        therapist=cast.therapist,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=50),
        **fields,
    )


@pytest.fixture
def sources(monkeypatch):
    """Two areas' sources: one for the client only, one shared with guardians."""
    registered = []
    monkeypatch.setattr(due, "_sources", registered)
    due.due_source(guardian=False)(
        lambda request, client: [DueItem("Answer this week's questionnaire", "/q", "questionnaire")]
    )
    due.due_source(guardian=True)(
        lambda request, client: [DueItem("Sign the consent to treatment", "/p", "paperwork")]
    )
    return registered


def _home(account) -> str:
    answer = portal_signed_in(account).get(reverse("portal:home"))
    assert answer.status_code == 200
    return answer.content.decode()


def test_home_shows_the_next_appointment_in_the_clinics_zone_with_the_zone_named(cast):
    cast.clinic.time_zone = "America/New_York"
    cast.clinic.save()
    _appointment(cast, NOW - dt.timedelta(days=1))  # past
    _appointment(cast, NOW + dt.timedelta(days=2), status=Appointment.Status.CANCELLED)
    _appointment(cast, NOW + dt.timedelta(days=14))  # later
    _appointment(cast, NOW + dt.timedelta(days=7))  # the next one
    with time_machine.travel(NOW, tick=False):
        page = _home(make_portal_account(cast.client))
    assert "Tuesday 8 December 2026, 10:00" in page  # 15:00 UTC
    assert "EST" in page
    assert "15 December" not in page


def test_home_says_so_when_nothing_is_booked_or_due(cast, sources):
    sources.clear()
    page = _home(make_portal_account(cast.client))
    assert "No appointment is booked" in page
    assert "Nothing is due right now." in page
    assert "not monitored around the clock" in page
    assert 'href="#crisis-heading"' in page  # crisis resources one tap away
    assert 'id="crisis-heading"' in page


def test_home_lists_what_is_due_from_every_area(cast, sources):
    page = _home(make_portal_account(cast.client))
    assert "Answer this week&#x27;s questionnaire" in page
    assert "Sign the consent to treatment" in page


def test_a_guardian_sees_only_the_shared_parts(cast, sources):
    _appointment(cast, NOW + dt.timedelta(days=7))
    guardian = make_portal_account(cast.client, role="guardian", name="Dana Parent")
    with time_machine.travel(NOW, tick=False):
        page = _home(guardian)
    assert "Hello, Dana Parent" in page
    assert "Tuesday 8 December 2026" in page
    assert "Sign the consent to treatment" in page
    assert "questionnaire" not in page.lower()


def test_home_shows_the_clinics_crisis_lines(cast):
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "555-0100"}]
    cast.clinic.save()
    page = _home(make_portal_account(cast.client))
    assert "Riverside crisis line" in page
    assert 'href="tel:555-0100"' in page


def test_an_archived_clients_session_ends(cast):
    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    cast.client.archived_at = NOW
    cast.client.save()
    answer = http.get(reverse("portal:home"))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(reverse("portal:sign_in"))
