"""The dashboard's Today panel in the browser: a therapist sees the day's appointments in
order with their markers, and starts a session's note with the keyboard."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.ipt.models import SessionNote
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_to_utc
from tests.browser.harness import audit, expect_path, navigate, sign_in, visit
from tests.factories import make_client, make_episode
from tests.ipt.notes_helpers import contract, held_sessions
from tests.measures.alerts_helpers import raise_alert

pytestmark = pytest.mark.browser


def book(client, hour: int, **fields) -> Appointment:
    """Today in the clinic's zone at ``hour`` (a past hour of today still counts as today)."""
    today = timezone.localtime(timezone.now(), client.clinic.zone).date()
    starts = local_to_utc(today, dt.time(hour), client.clinic.time_zone)
    return Appointment.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=client.assigned_therapist,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        **fields,
    )


def test_a_therapist_sees_the_day_in_order_and_starts_a_note(
    page: Page, cast: SimpleNamespace
) -> None:
    cast.note.delete()
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 3)
    worried = make_client(cast.clinic, cast.therapist, given_name="Bea", family_name="Early")
    contract(make_episode(worried), planned=16)
    raise_alert(worried)
    book(cast.client, 13, video_link="https://video.example/room-1")
    book(worried, 8)

    sign_in(page, cast.therapist)  # lands on the dashboard, checked with axe

    today = page.get_by_role("region", name="Today")
    rows = today.get_by_role("listitem")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Bea Early")
    expect(rows.nth(0)).to_contain_text("session 1 of 16")
    expect(rows.nth(0)).to_contain_text("Open safety alert")
    expect(rows.nth(1)).to_contain_text(cast.client.display_name)
    expect(rows.nth(1)).to_contain_text("session 4 of 12")
    expect(rows.nth(1)).not_to_contain_text("Open safety alert")
    expect(rows.nth(1).get_by_role("link", name="Video link")).to_have_attribute(
        "href", "https://video.example/room-1"
    )
    expect(page.get_by_text("Until scheduling arrives")).to_have_count(0)
    dashboard = page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    expect(dashboard).to_contain_text("1 open safety alert")

    # The keyboard starts the note: focus the row's button, press Enter.
    start = rows.nth(1).get_by_role("button", name=f"Start note for {cast.client.display_name}")
    start.focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    note = SessionNote.objects.get(episode=cast.episode, number=4)
    expect_path(page, "ipt:note", note.public_id)

    visit(page, reverse("core:dashboard"))
    row = page.get_by_role("region", name="Today").get_by_role("listitem").nth(1)
    expect(row.get_by_role("link", name="Continue the note")).to_be_visible()
    dashboard = page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    expect(dashboard).to_contain_text("1 unsigned note")
    audit(page)
