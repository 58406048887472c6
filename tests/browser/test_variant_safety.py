"""Safety of the perinatal and eating-disorder manuals in the browser (variants.md §5.4, §7.2–§7.3).

A perinatal client answers the EPDS by its e-mailed link with item 10 positive and
sees crisis resources at once; the therapist finds the alert on the dashboard and
acknowledges it with a risk assessment. In an IPT-ED episode the therapist records a
pulse below 40: a medical-risk prompt opens, shows on the client's page and the
dashboard, and leaves only once the referral for medical assessment is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.ipt.catalogue import Variant
from rapport.measures import instruments, invitations
from rapport.measures.models import SafetyAlert
from tests.browser.harness import audit, click, expect_path, sign_in, visit
from tests.browser.questionnaire_helpers import answer, phone, run_jobs, with_crisis_resources
from tests.browser.test_measures_alerts import _fill_assessment
from tests.factories import make_client, make_episode

pytestmark = pytest.mark.browser


def _banner(page: Page):
    return page.locator(".safety-banner[role=alert]")


def test_a_perinatal_client_answers_epds_item_10_and_the_therapist_acknowledges(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)
    mother = make_client(cast.clinic, cast.therapist)
    episode = make_episode(mother, variant=Variant.PERINATAL)
    invitations.create_invitation(
        mother,
        due=[instruments.get("epds")],
        send_at=timezone.now(),
        context_id=episode.public_id,
        session_number=2,
        created_by=cast.therapist,
    )
    link = run_jobs()

    client = phone(new_page)
    visit(client, link)
    epds = instruments.get("epds")
    for item in epds.items[:-1]:
        # The answer that scores 0: the first on items 1, 2 and 4, the last on the others.
        answer(client, "epds", item.key, "Fourth answer" if item.reverse else "First answer")
    answer(client, "epds", "q10", "Second answer")  # item 10 scored 2: thoughts of self-harm
    click(client, client.get_by_role("button", name="Send my answers"))
    crisis = client.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis).to_contain_text("This form is not monitored in real time.")
    alert = SafetyAlert.objects.get(client=mother)
    assert (alert.instrument, alert.item, alert.value, alert.severity) == (
        "epds",
        "q10",
        2,
        "critical",
    )

    therapist = new_page()
    sign_in(therapist, cast.therapist)
    banner = _banner(therapist)
    expect(banner).to_contain_text("Critical: review now")
    expect(banner).to_contain_text(mother.display_name)
    click(therapist, banner.get_by_role("link", name="Review and acknowledge"))
    expect_path(therapist, "measures:alert_acknowledge", alert.public_id)
    expect(therapist.locator(".safety-banner")).to_contain_text("EPDS")
    _fill_assessment(therapist)
    click(therapist, therapist.get_by_role("button", name="Record the assessment and acknowledge"))
    expect_path(therapist, "measures:alert", alert.public_id)
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    visit(therapist, reverse("core:dashboard"))
    expect(_banner(therapist)).to_have_count(0)


def test_an_ipt_ed_episode_raises_a_medical_risk_prompt_that_stays_until_the_referral(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    client = make_client(cast.clinic, cast.therapist)
    make_episode(client, variant=Variant.EATING_DISORDERS)
    therapist = new_page()
    sign_in(therapist, cast.therapist)
    visit(therapist, reverse("clients:clinical", args=[client.public_id]))
    click(therapist, therapist.get_by_role("link", name="Open the physical observations"))
    expect_path(therapist, "measures:observations", client.public_id)
    expect(therapist.get_by_text("No physical observations recorded yet.")).to_be_visible()

    # A typing slip first: a clear message, nothing stored.
    therapist.get_by_label("Date observed").fill(timezone.localdate().isoformat())
    therapist.get_by_label("Measured at the clinic").check()
    therapist.get_by_label("pulse (beats a minute)").fill("380")
    click(therapist, therapist.get_by_role("button", name="Record the observation"))
    expect(therapist.locator(".error-summary")).to_contain_text("Enter a value between 15 and 250.")
    assert not SafetyAlert.objects.filter(client=client).exists()

    therapist.get_by_label("pulse (beats a minute)").fill("38")
    click(therapist, therapist.get_by_role("button", name="Record the observation"))
    alert = SafetyAlert.objects.get(client=client)
    expect_path(therapist, "measures:alert", alert.public_id)
    expect(therapist.locator(".safety-banner")).to_contain_text("refer for medical assessment")
    expect(therapist.get_by_text("pulse 38 (red)")).to_be_visible()

    # The prompt shows on the client's page and the dashboard until acknowledged.
    visit(therapist, reverse("clients:clinical", args=[client.public_id]))
    expect(_banner(therapist)).to_contain_text("passed a medical-risk threshold")
    visit(therapist, reverse("core:dashboard"))
    banner = _banner(therapist)
    expect(banner).to_contain_text("Critical: review now")
    click(therapist, banner.get_by_role("link", name="Review and acknowledge"))
    expect_path(therapist, "measures:alert_acknowledge", alert.public_id)
    expect(therapist.get_by_label("Suicidal ideation")).to_have_count(0)
    click(therapist, therapist.get_by_role("button", name="Record the referral and acknowledge"))
    expect(therapist.locator(".error-summary")).to_contain_text("Say what referral was made.")
    therapist.get_by_label("Referral for medical assessment", exact=True).fill(
        "Same-day GP review: ECG and bloods."
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    therapist.get_by_label("Follow-up date").fill(tomorrow.isoformat())
    click(therapist, therapist.get_by_role("button", name="Record the referral and acknowledge"))
    expect_path(therapist, "measures:alert", alert.public_id)
    expect(therapist.get_by_role("status").first).to_contain_text("Referral recorded")
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    visit(therapist, reverse("core:dashboard"))
    expect(_banner(therapist)).to_have_count(0)
    visit(therapist, reverse("measures:observations", args=[client.public_id]))
    expect(therapist.get_by_role("table")).to_contain_text("pulse 38 (red)")
    audit(therapist)
