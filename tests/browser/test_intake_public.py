"""A person on a phone reads about IPT, requests a consultation, and, with a positive
item 9 on the self-screen, sees crisis resources at once on the confirmation."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.intake.models import ConsultationRequest
from tests.browser.harness import click, expect_path, sign_in, visit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _answer(page: Page, item: str, label: str) -> None:
    page.locator(f"#phq9-{item}").get_by_label(label, exact=True).check()


def test_it_takes_a_person_from_the_home_page_to_crisis_resources_on_a_phone(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    page = new_page()
    page.set_viewport_size(PHONE)
    visit(page, reverse("intake:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside")
    click(page, page.get_by_role("link", name="How IPT works"))
    expect(page.get_by_text("Grief: low mood after the death")).to_be_visible()
    click(page, page.get_by_role("link", name="Request a consultation").last)
    expect_path(page, "intake:consultation")
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]

    page.get_by_label("Your name").fill("Ada Example")
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("E-mail address").fill("ada@example.com")
    page.get_by_label("18 to 64").check()
    page.get_by_label("What is going on for you at the moment?").fill("I feel low since a move.")
    page.get_by_text("Optional: a short questionnaire about your mood").click()
    for n in range(1, 9):
        _answer(page, f"q{n}", "Not at all")
    _answer(page, "q9", "Several days")
    _answer(page, "difficulty", "Somewhat difficult")
    click(page, page.get_by_role("button", name="Send my request"))  # no consent yet

    # Sent back for the consent, but item 9 was positive: crisis numbers first, at once.
    crisis = page.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()
    errors = page.get_by_role("alert").filter(has_text="Please check the form")
    expect(errors).to_contain_text("We can only reply if you agree")
    expect(page.get_by_label("Your name")).to_have_value("Ada Example")
    expect(page.get_by_label("What is going on for you at the moment?")).to_have_value(
        "I feel low since a move."
    )
    expect(page.locator("#phq9-q9").get_by_label("Several days", exact=True)).to_be_checked()
    assert not ConsultationRequest.objects.exists()

    page.get_by_label("I agree that the practice may contact me").check()
    click(page, page.get_by_role("button", name="Send my request"))

    crisis = page.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()  # first thing on the screen, at once
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis).to_contain_text("This form is not monitored in real time.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your request")
    assert ConsultationRequest.objects.get().urgent
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]


def test_it_lets_the_admin_rewrite_the_home_page_text(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    admin = new_page()
    sign_in(admin, cast.admin)
    visit(admin, reverse("intake:page_list"))
    click(admin, admin.get_by_role("link", name="Questions people often ask"))
    admin.get_by_label("Title").fill("Your questions")
    admin.get_by_label("Text").fill("We answer the phone on weekdays.\n\n- Parking at the back")
    click(admin, admin.get_by_role("button", name="Save"))
    expect(admin.get_by_text("Page saved.")).to_be_visible()

    visitor = new_page()
    visit(visitor, reverse("intake:page", args=["faq"]))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Your questions")
    expect(visitor.get_by_role("listitem").filter(has_text="Parking at the back")).to_be_visible()
