"""The therapist makes the episode summary PDF of the demo's finished course in one click."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rapport.clients.models import Client
from rapport.core.management.commands.seed_demo import DEMO_PASSWORD
from rapport.core.models import User
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
