"""The therapist makes the summary of the demo's finished course, and a prescriber letter."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rapport.clients.models import Client
from rapport.core.management.commands.seed_demo import DEMO_PASSWORD
from rapport.core.models import OutboundEmail, User
from rapport.ipt.models import Episode
from tests.browser.harness import click, enter_code, expect_path, visit
from tests.factories import current_code

pytestmark = pytest.mark.browser


def test_the_summary_of_the_demo_course_downloads_as_a_pdf(page: Page) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client = Client.objects.get(given_name="Morgan", family_name="Madeup")
    therapist = User.objects.get(pk=client.assigned_therapist_id)
    visit(page, reverse("core:login"))
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    click(page, page.get_by_role("button", name="Continue"))
    enter_code(page, current_code(therapist))
    expect_path(page, "core:dashboard")

    visit(page, reverse("clients:clinical", args=[client.public_id]))
    documents = page.get_by_role("region", name="Documents")
    expect(documents).to_contain_text("No session notes or process notes are included.")
    finished = Episode.objects.get(client=client, status=Episode.Status.CLOSED)
    started = f"{finished.started_on.day} {finished.started_on:%b %Y}"
    link = documents.get_by_role("link", name=f"Episode summary, course started {started}")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("episode-summary-")
    assert "Morgan" not in download.value.suggested_filename
    text = " ".join(page_.extract_text() for page_ in PdfReader(download.value.path()).pages)
    text = " ".join(text.split())
    assert "Morgan Madeup" in text
    assert "12 attended" in text
    assert "Recovery; Reliable improvement; Reliable recovery." in text


def test_the_therapist_writes_signs_and_sends_a_prescriber_letter(page: Page) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client = Client.objects.get(given_name="Morgan", family_name="Madeup")
    therapist = User.objects.get(pk=client.assigned_therapist_id)
    finished = Episode.objects.get(client=client, status=Episode.Status.CLOSED)
    visit(page, reverse("core:login"))
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    click(page, page.get_by_role("button", name="Continue"))
    enter_code(page, current_code(therapist))

    visit(page, reverse("clients:clinical", args=[client.public_id]))
    started = f"{finished.started_on.day} {finished.started_on:%b %Y}"
    click(page, page.get_by_role("link", name=f"Letters, course started {started}"))
    expect(page.get_by_text("A letter needs the client's consent")).to_be_visible()
    consent = page.get_by_role("region", name="Consent to share")
    consent.get_by_label("Recipient", exact=True).select_option("prescriber")
    consent.get_by_label("Recipient's name").fill("Dr Example")
    consent.get_by_label("Recipient's e-mail").fill("dr.example@example.org")
    consent.get_by_label("Consent given on").fill("2026-07-28")
    consent.get_by_label("How consent was given").fill("Signed consent form")
    click(page, consent.get_by_role("button", name="Record consent"))

    write = page.get_by_role("region", name="Write a letter")
    write.get_by_label("Letter").select_option(label="To the prescriber: end of treatment")
    click(page, write.get_by_role("button", name="Fill from the record"))
    body = page.get_by_label("Letter")
    expect(body).to_have_value(re.compile(r"PHQ-9: 16 at the start, 3 at the end"))
    body.fill(body.input_value() + "\n\nHe plans to keep volunteering.")
    click(page, page.get_by_role("button", name="Sign and store the letter"))
    expect(page.get_by_text("Letter signed and stored.")).to_be_visible()

    signed = page.get_by_role("region", name="Signed letters")
    with page.expect_download() as download:
        signed.get_by_role("link", name=re.compile("To the prescriber: end of treatment")).click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "He plans to keep volunteering." in " ".join(text.split())
    click(page, signed.get_by_role("button", name="Send by e-mail"))
    expect(page.get_by_text("secure link that works for 14 days")).to_be_visible()
    email = OutboundEmail.objects.order_by("-pk").first()
    assert email.recipient == "dr.example@example.org"
    assert "Morgan" not in email.subject + email.text_body
