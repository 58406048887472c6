"""A clinic admin makes an API key, copies it once, and revokes it after confirming."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.interop.models import ApiKey
from tests.browser.harness import click, confirm, expect_path, sign_in, visit

pytestmark = pytest.mark.browser

REVOKE_QUESTION = "Revoke this API key? Systems using it lose access at once."


def test_an_admin_creates_copies_once_and_revokes_a_key(page: Page, cast: SimpleNamespace) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, cast.admin)
    click(page, page.get_by_role("link", name="API keys: let another system read"))
    expect_path(page, "interop:keys")
    expect(page.get_by_text("This clinic has no API key yet.")).to_be_visible()

    # A caseload key without its practitioner: the mistake is named, nothing is made.
    page.get_by_label("Name").fill("Registry upload")
    page.get_by_label("Reads").select_option(label="Read one practitioner's caseload")
    click(page, page.get_by_role("button", name="Create the key"))
    expect(page.get_by_text("Choose whose caseload the key reads.")).to_be_visible()
    assert not ApiKey.objects.exists()

    page.get_by_label("Practitioner (for one caseload)").select_option(str(cast.therapist.pk))
    click(page, page.get_by_role("button", name="Create the key"))
    shown = page.get_by_label("API key", exact=True)
    raw = shown.input_value()
    assert raw.startswith("rpk_")
    expect(page.get_by_text("it is shown only once")).to_be_visible()
    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("status")).to_have_text("Copied. Keep it somewhere safe.")
    assert page.evaluate("navigator.clipboard.readText()") == raw
    # The key works for the API, and only for the therapist's caseload.
    api = HttpClient()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api.get(f"/fhir/Patient/{cast.client.public_id}", **auth).status_code == 200
    assert api.get(f"/fhir/Patient/{cast.colleague_client.public_id}", **auth).status_code == 403

    # Another visit shows the key's beginning, never the key.
    visit(page, reverse("interop:keys"))
    expect(page.get_by_label("API key", exact=True)).to_have_count(0)
    row = page.get_by_role("row", name="Registry upload")
    expect(row).to_contain_text(raw[:12])
    expect(row).to_contain_text("caseload")

    confirm(page, row.get_by_role("button", name="Revoke “Registry upload”"), REVOKE_QUESTION)
    expect(page.get_by_text("Key “Registry upload” revoked")).to_be_visible()
    expect(page.get_by_role("row", name="Registry upload")).to_contain_text("Revoked")
    assert api.get("/fhir/Patient", **auth).status_code == 401
