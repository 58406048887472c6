"""The therapist is told what billing details are missing, fills them in, and downloads a
superbill for a period of the demo client's sessions."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from rapport.core.management.commands.seed_demo import DEMO_PASSWORD
from rapport.core.models import AuditEvent, User
from rapport.ipt.models import Episode
from rapport.reports.models_billing import BillingSettings
from rapport.scheduling.models import Appointment
from tests.browser.harness import audit, click, enter_code, expect_path, visit, watched
from tests.factories import current_code

pytestmark = pytest.mark.browser


def refused(page: Page, target: Locator) -> None:
    """Submit to a page that answers with a refusal (400, 409): the browser logs its
    status, which is expected here; the page itself is audited with axe."""
    with page.expect_navigation():
        target.click()
    watched(page).take_errors()  # the browser reports the status it was shown
    audit(page)


def test_the_therapist_fills_billing_details_and_downloads_a_superbill(page: Page) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    therapist = User.objects.get(username="therapist")
    episode = (
        Episode.objects.filter(therapist=therapist, status=Episode.Status.ACTIVE)
        .select_related("client__clinic")
        .order_by("pk")
        .first()
    )
    client = episode.client
    # The clinic admin's part (Clinic settings → Billing), done beforehand.
    BillingSettings.objects.create(
        clinic=client.clinic,
        practice_name="Demo Therapy Practice",
        address="1 Demo Street\nAlbany, NY 12207",
        phone="518-555-0199",
        tax_id="12-3456789",
    )
    held = Appointment.objects.get(client=client, status=Appointment.Status.ATTENDED)
    first = timezone.localdate() - timedelta(days=40)

    visit(page, reverse("core:login"))
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    click(page, page.get_by_role("button", name="Continue"))
    enter_code(page, current_code(therapist))
    expect_path(page, "core:dashboard")

    # The Documents panel: a superbill for a period, before any billing details exist.
    visit(page, reverse("clients:clinical", args=[client.public_id]))
    documents = page.get_by_role("region", name="Documents")
    expect(documents).to_contain_text("A no-show or a cancellation is not billed.")
    expect(documents.get_by_role("link", name=re.compile("Superbill, session held"))).to_have_count(
        1
    )
    documents.get_by_label("From").fill(first.isoformat())
    documents.get_by_label("To").fill(timezone.localdate().isoformat())
    refused(page, documents.get_by_role("button", name="Superbill for this period (PDF)"))
    missing = page.get_by_role("alert", name="Before this superbill can be made, fill in:")
    expect(missing).to_contain_text(
        "Alex Rivera's credential letters, licence number and state, NPI."
    )
    expect(missing).to_contain_text("The client's postal address.")
    expect(missing).not_to_contain_text("The clinic's")

    # The therapist's own billing details: a typo in the NPI is caught, then fixed.
    click(page, missing.get_by_role("link", name=re.compile("under Billing details")))
    expect(page.get_by_role("heading", name="Your billing details")).to_be_visible()
    page.get_by_label("Credential letters").fill("PhD, LP")
    page.get_by_label("Licence number").fill("LP-004321")
    page.get_by_label("Licence state").fill("ny")
    page.get_by_label("NPI (type 1)").fill("1234567890")
    refused(page, page.get_by_role("button", name="Save billing details"))
    expect(page.get_by_role("alert")).to_contain_text("check it for a typo")
    page.get_by_label("NPI (type 1)").fill("1234567893")
    click(page, page.get_by_role("button", name="Save billing details"))
    expect(page.get_by_text("Billing details saved.")).to_be_visible()

    # The client's address, on the client's superbill page; then the period's superbill.
    visit(page, reverse("reports:superbill", args=[client.public_id]))
    page.get_by_label("Client's postal address").fill("7 Example Lane\nTroy, NY 12180")
    click(page, page.get_by_role("button", name="Save the address"))
    expect(page.get_by_text("The client's address for superbills is saved.")).to_be_visible()
    period = page.get_by_role("region", name="Superbill for a period")
    period.get_by_label("From").fill(first.isoformat())
    period.get_by_label("To").fill(timezone.localdate().isoformat())
    with page.expect_download() as download:
        period.get_by_role("button", name="Make the superbill (PDF)").click()
    name = download.value.suggested_filename
    assert re.fullmatch(r"superbill-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf", name)
    assert client.family_name not in name
    reader = PdfReader(download.value.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    day = timezone.localtime(held.starts_at).strftime("%m/%d/%Y")
    assert f"{day} 50 90834 Psychotherapy, 45 minutes with patient A" in text
    assert "A F32.1 Major depressive disorder, single episode, moderate" in text
    assert "PhD, LP" in text
    assert "1234567893" in text
    assert "7 Example Lane" in text
    assert "Not billed in this period: 1 missed, 1 cancelled." in text
    assert "Fictional demo formulation" not in text
    assert AuditEvent.objects.filter(action="reports.superbill.generated").count() == 1
