"""Intake paperwork in the browser: a client signs the clinic's documents on a phone
and downloads the signed PDF; intake sees the status on the client's details; an
admin publishes a new version and the client is asked to sign again."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from tests.browser.harness import click, confirm, expect_path, sign_in, visit
from tests.browser.portal_helpers import NARROWEST, PHONE, portal_phone, sign_in_portal
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser

DOCUMENTS = ("Consent to treatment", "Privacy notice", "Telehealth consent")


def _sign(page: Page, title: str, name: str) -> None:
    click(page, page.get_by_role("link", name=f"Read and sign {title}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_label("Type your full name to sign").fill(name)
    page.get_by_label("I have read this document and I agree to it.").check()
    click(page, page.get_by_role("button", name="Sign this document"))
    expect(page.get_by_text(f"Thank you: {title} is signed.")).to_be_visible()


def test_a_client_signs_intake_paperwork_and_is_asked_again_for_a_new_version(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    name = f"{cast.client.given_name} {cast.client.family_name}"
    client = portal_phone(new_page)
    sign_in_portal(client, live_server, make_portal_account(cast.client))
    to_do = client.get_by_role("region", name="To do")
    for title in DOCUMENTS:
        expect(to_do.get_by_role("link", name=f"Read and sign: {title}")).to_be_visible()

    click(
        client,
        client.get_by_role("navigation", name="Portal").get_by_role("link", name="Forms to sign"),
    )
    expect_path(client, "portal:paperwork")
    for title in DOCUMENTS:
        _sign(client, title, name)

    with client.expect_download() as download:
        client.get_by_role("link", name="Download your signed copy of Consent to treatment").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert name in text
    assert "Version 1" in text
    assert "I agree to take part in Interpersonal Psychotherapy" in text
    visit(client, reverse("portal:home"))
    expect(client.get_by_text("Nothing is due right now.")).to_be_visible()

    intake = new_page()
    sign_in(intake, cast.intake)
    visit(intake, reverse("clients:detail", args=[cast.client.public_id]))
    paperwork = intake.get_by_role("region", name="Intake paperwork")
    expect(paperwork.get_by_text("Signed", exact=True)).to_have_count(3)

    admin = new_page()
    sign_in(admin, cast.admin)
    visit(admin, reverse("core:clinic_settings"))
    click(admin, admin.get_by_role("link", name="Edit Consent to treatment (version 1)"))
    admin.get_by_label("Text").fill("We agree to work together in IPT. Our clinic's own words.")
    confirm(
        admin,
        admin.get_by_role("button", name="Publish a new version"),
        "Every client will be asked to sign it again.",
    )
    expect(admin.get_by_text("Version 2 published.")).to_be_visible()

    visit(client, reverse("portal:home"))
    click(client, client.get_by_role("link", name="Read and sign: Consent to treatment"))
    expect(client.get_by_text("Our clinic's own words.")).to_be_visible()
    client.set_viewport_size(NARROWEST)  # nothing wider than the narrowest phone
    assert client.evaluate("document.documentElement.scrollWidth") <= NARROWEST["width"]
    client.set_viewport_size(PHONE)
    click(client, client.get_by_role("link", name="Not now"))
    expect(
        client.get_by_text("The clinic has updated this document since you signed it")
    ).to_be_visible()

    visit(intake, reverse("clients:detail", args=[cast.client.public_id]))
    paperwork = intake.get_by_role("region", name="Intake paperwork")
    expect(paperwork.get_by_text("Signed an older version")).to_be_visible()
