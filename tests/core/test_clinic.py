"""Clinic settings (admins) and bootstrapping a new install."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from rapport.core import audit
from rapport.core.models import AuditEvent, Clinic, Role, User
from tests.factories import csrf_post, signed_in

SETTINGS = reverse("core:clinic_settings")


def test_admins_set_the_crisis_resources_shown_on_every_page(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    data = {
        "section": "clinic",
        "clinic-name": "Riverside",
        "clinic-time_zone": "Europe/London",
        "clinic-crisis_text": "Samaritans, any time | 116 123\nEmergency services | 999",
    }
    assert csrf_post(http, SETTINGS, data).status_code == 302
    cast.clinic.refresh_from_db()
    assert cast.clinic.crisis_resources[0] == {
        "label": "Samaritans, any time",
        "contact": "116 123",
    }
    footer = signed_in(cast.therapist).get(reverse("core:dashboard")).content.decode()
    assert "116 123" in footer
    assert "tel:988" not in footer
    event = AuditEvent.objects.get(action="core.clinic.updated")
    old_zone = "America/New_York"
    assert event.fields == [
        "crisis_resources: Suicide & Crisis Lifeline: call or text | 988; "
        "In immediate danger: call | 911 → "
        "Samaritans, any time | 116 123; Emergency services | 999",
        f"time_zone: {old_zone} → Europe/London",
    ]


@pytest.mark.parametrize("text", ["", "No separator here", "| 999"])
def test_it_refuses_unusable_crisis_resources(cast: SimpleNamespace, text: str) -> None:
    data = {
        "section": "clinic",
        "clinic-name": "Riverside",
        "clinic-time_zone": "UTC",
        "clinic-crisis_text": text,
    }
    response = csrf_post(signed_in(cast.admin), SETTINGS, data)
    assert response.status_code == 200
    cast.clinic.refresh_from_db()
    assert cast.clinic.crisis_resources[0]["contact"] == "988"


def test_times_show_in_the_clinic_zone(cast: SimpleNamespace) -> None:
    Clinic.objects.filter(pk=cast.clinic.pk).update(time_zone="Asia/Tokyo")
    with time_machine.travel(datetime(2026, 1, 1, 0, 0, tzinfo=UTC), tick=False):
        audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist)
        page = signed_in(cast.admin).get(reverse("core:audit_log"))
    assert "2026-01-01 09:00:00" in page.content.decode()  # stored 00:00 UTC
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks past the request


@pytest.mark.django_db
def test_create_clinic_bootstraps_a_clinic_and_its_admin() -> None:
    out = StringIO()
    call_command(
        "create_clinic",
        "--name",
        "Harbour Therapy",
        "--time-zone",
        "Europe/Dublin",
        "--admin-username",
        "owner",
        "--admin-email",
        "owner@harbour.example",
        "--password-stdin",
        stdin=StringIO("a calm and long passphrase\n"),
        stdout=out,
    )
    admin = User.objects.get(username="owner")
    assert admin.clinic.name == "Harbour Therapy"
    assert admin.clinic.time_zone == "Europe/Dublin"
    assert admin.roles == {Role.CLINIC_ADMIN}
    assert admin.check_password("a calm and long passphrase")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "password", "message"),
    [("Mars/Olympus", "a calm and long passphrase", "IANA"), ("UTC", "short", "too short")],
)
def test_create_clinic_refuses_bad_input(zone: str, password: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_clinic",
            "--name",
            "X",
            "--time-zone",
            zone,
            "--admin-username",
            "owner",
            "--admin-email",
            "o@x.example",
            "--password-stdin",
            stdin=StringIO(password + "\n"),
        )
    assert not Clinic.objects.exists()
