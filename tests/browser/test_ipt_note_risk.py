"""Issue 8, "one risk record", in the browser (Done when (c)): a therapist acknowledges a
client's critical alert from a session note, with the note's risk assessment and a full
safety plan, signs the note, and opens the printable plan for the client."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt.models import SessionNote
from rapport.measures.models import SafetyAlert, SafetyPlan
from tests.browser.harness import audit, click, confirm, expect_path, sign_in, visit
from tests.browser.test_measures_alerts import fill_safety_plan
from tests.measures.alerts_helpers import ASSESSMENT, SAFETY_PLAN, submit_phq9

pytestmark = pytest.mark.browser

DETAIL = "Passive thoughts of being better off dead since Sunday; no plan, no intent."
SAVED = re.compile(r"^Saved at \d\d:\d\d [A-Z]{3,4}$")  # the zone named


def _sign(page: Page) -> None:
    confirm(page, page.get_by_role("button", name="Sign note"))


def test_done_when_c_a_therapist_acknowledges_an_alert_from_a_note_and_signs(
    page: Page, cast: SimpleNamespace
) -> None:
    submit_phq9(cast.client, 2)  # item 9 "more than half the days": a critical alert
    alert = SafetyAlert.objects.get()
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:note", args=[cast.note.public_id]))

    # The risk section shows the open alert inline, and the note autosaves as usual.
    risk = page.get_by_role("region", name="Safety alerts")
    expect(risk).to_contain_text("More than half the days (2)")
    page.get_by_label("Passive thoughts (wishing to be dead)").check()
    page.get_by_label("Risk detail and actions").fill(DETAIL)
    expect(page.locator("#autosave-status")).to_have_text(SAVED)

    # Signing is refused while the alert is open, and nothing changes.
    _sign(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The note cannot be signed yet.")
    expect(summary).to_contain_text("This client has an open safety alert.")
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT
    assert SafetyAlert.objects.get().status == SafetyAlert.Status.OPEN

    # Acknowledge from the note: the form opens below it (htmx), from the note's words.
    before = page.url
    risk.get_by_role("button", name="Acknowledge with this note's risk assessment").click()
    panel = page.get_by_role("region", name="Acknowledge the safety alert from this note")
    expect(panel.get_by_role("heading", level=2)).to_be_focused()
    assert page.url == before  # still on the note, with what was typed
    ideation = panel.get_by_label("Suicidal ideation", exact=True)
    expect(ideation).to_have_value(f"Passive thoughts (wishing to be dead).\n{DETAIL}")
    audit(page)
    for label, key in (
        ("Plan", "plan"),
        ("Intent", "intent"),
        ("Suicidal or self-harm behaviour", "behaviour"),
        ("Risk factors", "risk_factors"),
        ("Protective factors", "protective_factors"),
        ("Action taken", "action_taken"),
    ):
        panel.get_by_label(label, exact=True).fill(ASSESSMENT[key])
    panel.get_by_label("Moderate", exact=True).check()
    panel.get_by_label("Follow-up date", exact=True).fill("2099-01-15")
    fill_safety_plan(panel)
    panel.get_by_role("button", name="Record the assessment and acknowledge").click()

    done = page.get_by_role("heading", name=re.compile("Risk assessment recorded from this note"))
    expect(done).to_be_focused()
    expect(page.locator("#risk-status")).to_contain_text("the alert is acknowledged")
    expect(risk).to_contain_text("Acknowledged from this note by Therapist Tester")
    expect(page.locator("#note-plan")).to_contain_text("Version 1, created on")
    expect(page.locator("#note-safety-banner .safety-banner")).to_have_count(0)
    audit(page)
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_in == cast.note.public_id
    plan = SafetyPlan.objects.get()
    assert alert.safety_plan == plan
    assert plan.made_in == cast.note.public_id
    assert plan.means_safety == SAFETY_PLAN["means_safety"]

    # The note keeps autosaving on its own version after the inline acknowledgement.
    page.get_by_label("Interval events linked to mood").fill("Argued with her sister on Sunday.")
    expect(page.locator("#autosave-status")).to_have_text(SAVED)

    _sign(page)
    expect(page.get_by_role("status").first).to_contain_text("Note signed.")
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    assert cast.note.interval_events == "Argued with her sister on Sunday."
    record = page.locator(".note-record")
    expect(record).to_contain_text("Safety alerts acknowledged from this note")

    # The printable plan for the client: opaque id in the address, no site chrome on paper.
    click(page, record.get_by_role("link", name="Version 1 (created)"))
    expect_path(page, "measures:safety_plan_print", plan.public_id)
    expect(page.get_by_role("heading", name="My safety plan", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    document = page.locator(".plan-document")
    expect(document).to_contain_text(SAFETY_PLAN["warning_signs"])
    expect(document).to_contain_text("Suicide & Crisis Lifeline: call or text: 988")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(document).to_be_visible()
    page.emulate_media(media="screen")
