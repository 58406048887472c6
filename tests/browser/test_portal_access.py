"""Portal access from the client record in the browser: the therapist invites the
client, who signs in from the invitation; a guardian waits for consent; access ends."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.harness import audit, click, confirm, expect_path, sign_in, visit
from tests.browser.portal_helpers import link_from_outbox, portal_phone

pytestmark = pytest.mark.browser


def _section(page: Page):
    return page.get_by_role("region", name="Portal access")


def test_the_therapist_invites_the_client_who_signs_in_from_the_email(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    staff = new_page()
    sign_in(staff, cast.therapist)
    visit(staff, reverse("clients:detail", args=[cast.client.public_id]))
    section = _section(staff)
    expect(section).to_contain_text("Not invited.")
    expect(section).to_contain_text(cast.client.email)
    click(staff, section.get_by_role("button", name="Invite to the portal"))
    expect(staff.get_by_role("status")).to_contain_text(f"Invitation sent to {cast.client.email}")
    expect(_section(staff)).to_contain_text("Not signed in yet")

    client = portal_phone(new_page)
    visit(client, live_server.url + link_from_outbox(cast.client.email))
    click(client, client.get_by_role("button", name="Continue to my portal"))
    expect_path(client, "portal:home")

    visit(staff, reverse("clients:detail", args=[cast.client.public_id]))
    expect(_section(staff)).not_to_contain_text("Not signed in yet")  # the sign-in shows

    confirm(
        staff,
        _section(staff).get_by_role("button", name="End the client’s portal access"),
        "End this client’s portal access?",
    )
    expect(_section(staff)).to_contain_text("Ended access")
    client.reload()  # the open session has ended
    expect_path(client, "portal:sign_in")
    audit(client)


def test_a_guardian_is_added_and_invited_once_consent_is_recorded(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.intake)
    visit(page, reverse("clients:detail", args=[cast.client.public_id]))
    click(page, _section(page).get_by_role("link", name="Add a parent or guardian"))
    click(page, page.get_by_role("button", name="Add guardian"))  # empty: refused, kept
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Their name").fill("Dana Parent")
    page.get_by_label("Relationship to the client").fill("mother")
    page.get_by_label("Their e-mail address").fill("dana@example.com")
    click(page, page.get_by_role("button", name="Add guardian"))
    section = _section(page)
    expect(section).to_contain_text("Consent not recorded")

    confirm(
        page,
        section.get_by_role("button", name="Record consent for Dana Parent"),
        "Record that the guardian’s consent",
    )
    expect(page.get_by_role("status")).to_contain_text("Consent recorded")
    expect(_section(page)).to_contain_text("Consent recorded")
    expect(_section(page)).to_contain_text(f"by {cast.intake.get_full_name()}")
    assert link_from_outbox("dana@example.com")
