"""Issue 8 (a) in the browser: a person's self-screen with item 9 = 2 shows crisis resources
at once; intake sees the alert it holds and converts the request; the assigned therapist's
dashboard shows the alert and the client's chart shows the self-screen score."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.intake.models import ConsultationRequest
from rapport.measures.models import SafetyAlert
from tests.browser.harness import click, confirm, expect_path, sign_in, visit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _answer(page: Page, item: str, label: str) -> None:
    page.locator(f"#phq9-{item}").get_by_label(label, exact=True).check()


def _request_with_item_9_at_2(page: Page) -> None:
    page.set_viewport_size(PHONE)
    visit(page, reverse("intake:consultation"))
    page.get_by_label("Your name").fill("Robin Example")
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("E-mail address").fill("robin@example.com")
    page.get_by_label("18 to 64").check()
    page.get_by_label("What is going on for you at the moment?").fill("Everything feels heavy.")
    page.get_by_text("Optional: a short questionnaire about your mood").click()
    for n in range(1, 9):
        _answer(page, f"q{n}", "Several days")
    _answer(page, "q9", "More than half the days")
    _answer(page, "difficulty", "Somewhat difficult")
    page.get_by_label("I agree that the practice may contact me").check()
    click(page, page.get_by_role("button", name="Send my request"))


def test_it_carries_a_positive_self_screen_from_the_public_form_to_the_therapists_chart(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    person = new_page()
    _request_with_item_9_at_2(person)
    crisis = person.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    request = ConsultationRequest.objects.get()
    alert = SafetyAlert.objects.get()
    assert (alert.client, alert.owner, alert.severity) == (None, None, "critical")

    # Intake holds the alert: on the dashboard, on the alert page, on the request.
    intake = new_page()
    sign_in(intake, cast.intake)
    banner = intake.locator(".safety-banner[role=alert]")
    expect(banner).to_contain_text("Consultation requests: contact today")
    expect(banner).to_contain_text("Critical: review now")
    click(intake, banner.get_by_role("link", name="Open the alert"))
    expect_path(intake, "measures:alert", alert.public_id)
    expect(intake.get_by_role("heading", level=1)).to_have_text(
        "Safety alert: consultation request"
    )
    click(intake, intake.get_by_role("link", name="Consultation request from Robin Example"))
    expect_path(intake, "intake:request", request.public_id)
    held = intake.get_by_role("alert").filter(has_text="open safety alert, held by intake")
    expect(held).to_contain_text("PHQ-9 question 9: More than half the days (2).")
    expect(intake.get_by_text("Total 10 of 27: moderate.")).to_be_visible()

    click(intake, intake.get_by_role("link", name="Convert into a client"))
    expect(intake.get_by_text("The open safety alert from the self-screen passes")).to_be_visible()
    intake.get_by_label("Date of birth").fill("1988-07-14")
    intake.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    confirm(intake, intake.get_by_role("button", name="Create client and open episode"))
    request.refresh_from_db()
    expect_path(intake, "clients:detail", request.client.public_id)
    expect(intake.locator(".safety-banner[role=alert]")).to_have_count(0)

    # The therapist now owns it: the dashboard shows it, the chart shows the score.
    therapist = new_page()
    sign_in(therapist, cast.colleague)
    banner = therapist.locator(".safety-banner[role=alert]")
    expect(banner).to_contain_text("1 open safety alert")
    expect(banner).to_contain_text("Robin Example")
    visit(therapist, reverse("clients:clinical", args=[request.client.public_id]))
    expect(therapist.get_by_role("img", name="PHQ-9 total over time")).to_be_visible()
    table = therapist.get_by_role("table", name="PHQ-9 scores (data table)")
    expect(table.get_by_role("row").nth(1)).to_contain_text("10")
    expect(table.get_by_role("row").nth(1)).to_contain_text("baseline")
    expect(therapist.get_by_text("No questionnaire scores yet")).to_have_count(0)
