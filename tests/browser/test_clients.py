"""Client records in the browser: adding one, and the therapist's clinical background."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rapport.clients.models import Client
from tests.browser.harness import click, expect_path, sign_in

pytestmark = pytest.mark.browser


def test_it_adds_a_client_after_correcting_an_incomplete_form(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.intake)
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("link", name="Add a client"))
    expect_path(page, "clients:create")

    page.get_by_label("Given name").fill("Ada")
    page.get_by_label("E-mail").fill("ada@")
    click(page, page.get_by_role("button", name="Save"))

    expect_path(page, "clients:create")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text(
        [
            "Family name: This field is required.",
            "Date of birth: This field is required.",
            "E-mail: Enter a valid email address.",
        ]
    )
    # Each field carries its own message for screen readers, not only the summary.
    expect(page.get_by_label("Family name")).to_have_accessible_description(
        "This field is required."
    )
    expect(page.get_by_label("E-mail")).to_have_accessible_description(
        re.compile(r"^Enter a valid email address\.")
    )
    expect(page.get_by_label("Given name")).to_have_value("Ada")
    expect(page.get_by_label("E-mail")).to_have_value("ada@")
    assert not Client.objects.filter(given_name="Ada").exists()

    page.get_by_label("E-mail").fill("ada@example.com")
    page.get_by_label("Family name").fill("Lovelace")
    page.get_by_label("Date of birth").fill("1985-12-10")
    click(page, page.get_by_role("button", name="Save"))

    added = Client.objects.get(given_name="Ada", family_name="Lovelace")
    expect_path(page, "clients:detail", added.public_id)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.get_by_role("status")).to_have_text("Client record created.")
    expect(page.get_by_role("definition").filter(has_text="1985-12-10")).to_be_visible()


def test_it_saves_the_clinical_background_from_the_clinical_tab(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    caseload = page.get_by_role("region", name=re.compile("^My caseload"))
    click(page, caseload.get_by_role("link", name=cast.client.display_name))
    tabs = page.get_by_role("navigation", name="Client record")
    click(page, tabs.get_by_role("link", name="Clinical"))
    expect_path(page, "clients:clinical", cast.client.public_id)
    expect(page.get_by_text("Grief after a loss in March.")).to_be_visible()

    click(page, page.get_by_role("link", name="Edit background"))
    background = page.get_by_label("Clinical background")
    expect(background).to_have_value("Grief after a loss in March.")
    background.fill("Role dispute with her sister since the move.")
    click(page, page.get_by_role("button", name="Save"))

    expect_path(page, "clients:clinical", cast.client.public_id)
    expect(page.get_by_role("status")).to_have_text("Clinical background saved.")
    saved = page.get_by_role("region", name="Clinical background")
    expect(saved).to_contain_text("Role dispute with her sister since the move.")
    expect(saved).not_to_contain_text("Grief after a loss")
