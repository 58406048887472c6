"""The suicidality workflow in the browser (safety.md §5.1): a remote PHQ-9 with item 9 = 2
raises an alert on the therapist's dashboard, escalates to the supervisor when nobody
acknowledges it, and leaves only once a complete risk assessment is recorded."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.measures.escalation import escalate_due_alerts
from rapport.measures.models import SafetyAlert, SafetyPlan
from tests.browser.harness import click, expect_path, sign_in, visit
from tests.measures.alerts_helpers import ASSESSMENT, SAFETY_PLAN, submit_phq9

pytestmark = pytest.mark.browser


def _banner(page: Page):
    return page.locator(".safety-banner[role=alert]")


def _fill_assessment(page: Page) -> None:
    labels = {
        "Suicidal ideation": ASSESSMENT["ideation"],
        "Plan": ASSESSMENT["plan"],
        "Intent": ASSESSMENT["intent"],
        "Suicidal or self-harm behaviour": ASSESSMENT["behaviour"],
        "Risk factors": ASSESSMENT["risk_factors"],
        "Protective factors": ASSESSMENT["protective_factors"],
    }
    for label, text in labels.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Moderate", exact=True).check()
    page.get_by_label("Action taken", exact=True).fill(ASSESSMENT["action_taken"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Follow-up date", exact=True).fill(tomorrow.isoformat())
    fill_safety_plan(page)


def fill_safety_plan(page: Page) -> None:
    """Stanley & Brown's six steps and reasons for living; step 5 adds to the clinic's lines."""
    plan = page.get_by_role("group", name="Safety plan")
    for name, text in SAFETY_PLAN.items():
        label = str(SafetyPlan._meta.get_field(name).verbose_name)
        field = plan.get_by_label(label)  # "(optional)" follows reasons for living
        if name == "professionals":
            expect(field).to_have_value(re.compile("Suicide & Crisis Lifeline: call or text: 988"))
            field.fill(f"{field.input_value()}\n{text}")
        else:
            field.fill(text)


def test_it_raises_escalates_and_acknowledges_a_safety_alert(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    therapist = new_page()
    sign_in(therapist, cast.therapist)
    expect(_banner(therapist)).to_have_count(0)

    # The client answers PHQ-9 remotely with item 9 = 2 (through the real service).
    submit_phq9(cast.client, 2)
    alert = SafetyAlert.objects.get()

    visit(therapist, reverse("core:dashboard"))
    banner = _banner(therapist)
    expect(banner).to_contain_text("1 open safety alert")
    expect(banner).to_contain_text("Critical: review now")
    expect(banner).to_contain_text(cast.client.display_name)

    # Nobody acknowledges: an hour later the worker escalates to the supervisor.
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert escalate_due_alerts("browser-test") == 1
    supervisor = new_page()
    sign_in(supervisor, cast.supervisor)
    escalated = _banner(supervisor)
    expect(escalated).to_contain_text("Escalated to you: your supervisees' clients")
    expect(escalated).to_contain_text(cast.client.display_name)
    expect(escalated).to_contain_text("escalated (level 1)")

    # The list of alerts gives the time raised on the reader's clock, the zone named.
    visit(therapist, reverse("measures:alerts"))
    raised = therapist.get_by_role("table", name="Open safety alerts").locator("tbody time")
    local = timezone.localtime(alert.created_at, zoneinfo.ZoneInfo(cast.clinic.time_zone))
    expect(raised).to_have_text(f"{local:%Y-%m-%d %H:%M} {local.tzname()}")

    # The therapist opens the alert and submits an incomplete assessment first.
    visit(therapist, reverse("core:dashboard"))
    click(therapist, banner.get_by_role("link", name="Review and acknowledge"))
    expect_path(therapist, "measures:alert_acknowledge", alert.public_id)
    therapist.get_by_label("Suicidal ideation", exact=True).fill(ASSESSMENT["ideation"])
    click(therapist, therapist.get_by_role("button", name="Record the assessment and acknowledge"))
    summary = therapist.locator(".error-summary")
    expect(summary).to_contain_text("Please check the form")
    expect(summary).to_contain_text("Overall risk level: Choose the overall risk level.")
    expect(summary).to_contain_text("Follow-up date: Enter the follow-up date.")
    expect(therapist.get_by_label("Suicidal ideation", exact=True)).to_have_value(
        ASSESSMENT["ideation"]
    )
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert alert.plan == ""

    _fill_assessment(therapist)
    click(therapist, therapist.get_by_role("button", name="Record the assessment and acknowledge"))
    expect_path(therapist, "measures:alert", alert.public_id)
    expect(therapist.get_by_role("status").first).to_contain_text("the alert is acknowledged")
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == cast.therapist

    visit(therapist, reverse("core:dashboard"))
    expect(_banner(therapist)).to_have_count(0)
    visit(supervisor, reverse("core:dashboard"))
    expect(_banner(supervisor)).to_have_count(0)
