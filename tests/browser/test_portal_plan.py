"""My plan, end to end: the therapist writes and approves the summary for the client; the
client reads it with their goals on a phone, acknowledges the contract (the staff contract
page then shows when), and opens the printable safety plan; a guardian sees only what the
therapist shares."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.harness import audit, click, sign_in, visit
from tests.browser.portal_helpers import (
    NARROWEST,
    PHONE,
    link_from_outbox,
    portal_phone,
    sign_in_portal,
)
from tests.factories import make_portal_account
from tests.portal import plan_helpers as h

SUMMARY = "We agreed that missing Grandma has made it hard to see your friends."


def _plan(cast: SimpleNamespace) -> SimpleNamespace:
    episode = h.plan_episode(cast.episode)
    return SimpleNamespace(
        episode=episode, contract=h.agree_contract(episode), safety=h.write_safety_plan(episode)
    )


def _therapist_approves_a_summary(page: Page, cast: SimpleNamespace) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:formulation", args=[cast.episode.public_id]))
    expect(page.get_by_text("Nothing is shared with the client yet.")).to_be_visible()
    page.get_by_role("textbox", name="Summary for the client", exact=True).fill(SUMMARY)
    click(page, page.get_by_role("button", name="Save draft"))
    expect(page.get_by_text(re.compile(r"^Draft version 1, last saved"))).to_be_visible()
    click(page, page.get_by_role("button", name="Approve version 1 and share it with the client"))
    expect(page.get_by_text(re.compile(r"^The client sees version 1, approved on"))).to_be_visible()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_a_client_reads_their_plan_acknowledges_the_contract_and_prints_the_safety_plan(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    _plan(cast)
    staff = new_page()
    _therapist_approves_a_summary(staff, cast)

    phone = portal_phone(new_page)
    sign_in_portal(phone, live_server, make_portal_account(cast.client))
    click(phone, phone.get_by_role("link", name="Read and acknowledge your treatment agreement"))
    expect(phone.get_by_role("heading", name="My plan", level=1)).to_be_visible()
    expect(phone.get_by_text(SUMMARY)).to_be_visible()
    goals = phone.get_by_role("region", name="Goals we are working on")
    expect(goals.get_by_text("Grief after the death of someone close")).to_be_visible()
    expect(goals.get_by_text(h.SHARED_GOAL)).to_be_visible()
    expect(phone.get_by_text(h.MISSED_POLICY)).to_be_visible()
    phone.set_viewport_size(NARROWEST)
    _no_sideways_scroll(phone)

    # Pressing without the tick changes nothing and says why.
    phone.get_by_label("I have read this agreement and I agree to it.").evaluate(
        "box => box.removeAttribute('required')"
    )
    click(phone, phone.get_by_role("button", name="Acknowledge my agreement"))
    expect(phone.get_by_text("Tick the box to say you agree")).to_be_visible()
    phone.get_by_label("I have read this agreement and I agree to it.").check()
    click(phone, phone.get_by_role("button", name="Acknowledge my agreement"))
    expect(phone.get_by_text("Your acknowledgement is recorded.")).to_be_visible()
    expect(phone.get_by_text(re.compile(r"acknowledged this agreement here on"))).to_be_visible()
    expect(phone.get_by_role("button", name="Acknowledge my agreement")).to_have_count(0)

    click(phone, phone.get_by_role("link", name="Open the safety plan to read or print"))
    expect(phone.get_by_role("heading", name="Safety plan", level=1)).to_be_visible()
    expect(phone.get_by_text(h.WARNING_SIGN)).to_be_visible()
    expect(phone.get_by_role("button", name="Print")).to_be_visible()
    _no_sideways_scroll(phone)
    # Printed, the page is the plan alone: no navigation, no print button.
    phone.emulate_media(media="print")
    expect(phone.locator(".portal-header")).to_be_hidden()
    expect(phone.get_by_role("button", name="Print")).to_be_hidden()
    expect(phone.get_by_text(h.WARNING_SIGN)).to_be_visible()
    phone.emulate_media(media="screen")

    visit(staff, reverse("ipt:contract", args=[cast.episode.public_id]))
    expect(
        staff.get_by_text(
            re.compile(r"^Acknowledged electronically in the client portal on \d{4}-\d{2}-\d{2}")
        )
    ).to_be_visible()
    # The in-person acknowledgement stays the therapist's to record, beside it.
    expect(staff.get_by_role("button", name="Record acknowledgement in person")).to_be_visible()


def test_a_guardian_sees_only_what_the_therapist_shares(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    _plan(cast)
    staff = new_page()
    _therapist_approves_a_summary(staff, cast)
    sharing = staff.get_by_role("region", name="Shared with a parent or guardian")
    sharing.get_by_label("The approved summary for the client", exact=True).check()
    sharing.get_by_label(f"Grief: {h.SHARED_GOAL}").check()
    click(staff, sharing.get_by_role("button", name="Save what is shared"))
    expect(staff.get_by_text("Saved what the parent or guardian can see.")).to_be_visible()

    guardian = make_portal_account(
        cast.client, role="guardian", name="Pat Parent", relationship="mother"
    )
    phone = portal_phone(new_page)
    sign_in_portal(phone, live_server, guardian)
    expect(phone.get_by_text("Read and acknowledge")).to_have_count(0)
    click(phone, phone.get_by_role("link", name="My plan"))
    expect(phone.get_by_text(SUMMARY)).to_be_visible()
    expect(phone.get_by_text(h.SHARED_GOAL)).to_be_visible()
    expect(phone.get_by_text(h.PRIVATE_GOAL)).to_have_count(0)
    expect(phone.get_by_text(h.MISSED_POLICY)).to_have_count(0)
    expect(phone.get_by_role("button", name="Acknowledge my agreement")).to_have_count(0)
    expect(phone.get_by_role("link", name="Open the safety plan to read or print")).to_have_count(0)
    _no_sideways_scroll(phone)
    audit(phone)


def _submit(page: Page, target) -> None:
    """Follow a link or press a button without scripts: a plain page load."""
    with page.expect_navigation():
        target.click()


def test_the_agreement_is_acknowledged_without_javascript(
    browser: Browser, live_server: LiveServer, cast: SimpleNamespace
) -> None:
    # axe needs scripts, so these pages are audited in the journeys above, with them on.
    plan = _plan(cast)
    h.approve_summary(plan.episode)
    account = make_portal_account(cast.client)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=False, viewport=PHONE
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(reverse("portal:sign_in"))
        page.get_by_label("Your e-mail address").fill(account.email)
        _submit(page, page.get_by_role("button", name="Send me a sign-in link"))
        page.goto(live_server.url + link_from_outbox(account.email))
        _submit(page, page.get_by_role("button", name="Continue to my portal"))
        _submit(page, page.get_by_role("link", name="My plan"))
        page.get_by_label("I have read this agreement and I agree to it.").check()
        _submit(page, page.get_by_role("button", name="Acknowledge my agreement"))
        expect(page.get_by_text("Your acknowledgement is recorded.")).to_be_visible()
        plan.contract.refresh_from_db()
        assert plan.contract.portal_acknowledged_at is not None
        _submit(page, page.get_by_role("link", name="Open the safety plan to read or print"))
        expect(page.get_by_text(h.WARNING_SIGN)).to_be_visible()
        # Without scripts there is no Print button: the browser's own Print command serves.
        expect(page.get_by_role("button", name="Print")).to_be_hidden()
    finally:
        context.close()
