"""Refused input in the browser: a far date is explained on the form, a far calendar
date falls back to today with a note, and a NUL character gets a readable 400 page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.scheduling.models import TimeOff
from tests.browser.harness import audit, click, sign_in, visit, watched

pytestmark = pytest.mark.browser


def test_it_explains_far_dates_and_refuses_a_null_character(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("scheduling:availability", args=[cast.therapist.public_id]))
    first = page.get_by_label("First day away")
    # The picker is told the range, so a browser offers no date outside it.
    expect(first).to_have_attribute("min", "1900-01-01")
    expect(first).to_have_attribute("max", "2100-12-31")
    # A typed date past the picker's range still reaches the server: it explains.
    page.evaluate("document.querySelectorAll('input[type=date]').forEach(i => i.min = i.max = '')")
    first.fill("9999-12-31")
    page.get_by_label("Last day away").fill("9999-12-31")
    click(page, page.get_by_role("button", name="Add time off"))
    expect(page.get_by_role("alert")).to_contain_text("Enter a date between 1900 and 2100.")
    assert not TimeOff.objects.exists()

    visit(page, reverse("scheduling:calendar_week") + "?date=0001-01-01")
    expect(page.get_by_text("Enter a date between 1900 and 2100: showing today.")).to_be_visible()

    page.goto(reverse("clients:list") + "?q=a%00b")
    expect(page.get_by_role("heading", name="This request could not be accepted")).to_be_visible()
    expect(page.get_by_text("null character")).to_be_visible()
    watched(page).take_errors()  # the browser reports the 400 it was shown
    audit(page)
