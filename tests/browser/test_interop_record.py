"""A client's full record in the browser: the therapist downloads it from the clinical page;
a client asks for a copy in the portal, the therapist releases it, the client downloads it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Download, Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from rapport.interop.record_models import RecordRequest
from rapport.ipt.models import SessionNote
from tests.browser.harness import audit, click, confirm, sign_in, visit, watched
from tests.browser.portal_helpers import portal_phone, sign_in_portal
from tests.factories import PROCESS_NOTE_SECRET, make_portal_account

pytestmark = pytest.mark.browser

NOTE_TEXT = "Role transition work: rehearsed asking her new team for help"


def _signed_note(cast: SimpleNamespace) -> None:
    note = SessionNote.objects.get(pk=cast.note.pk)
    note.problem_area_work = NOTE_TEXT
    note.status = SessionNote.Status.SIGNED
    note.signed_at = timezone.now()
    note.signed_by = cast.therapist
    note.save()


def _opened(download: Download) -> tuple[str, str]:
    """The zip's PDF text and its Bundle's JSON text."""
    with zipfile.ZipFile(download.path()) as archive:
        raw = archive.read("record.fhir.json").decode()
        pdf = PdfReader(io.BytesIO(archive.read("record.pdf")))
    return " ".join(" ".join(p.extract_text() for p in pdf.pages).split()), raw


def test_the_therapist_downloads_a_clients_full_record(page: Page, cast: SimpleNamespace) -> None:
    _signed_note(cast)
    sign_in(page, cast.therapist)
    visit(page, reverse("clients:clinical", args=[cast.client.public_id]))
    panel = page.get_by_role("region", name="Full record")
    expect(panel).to_contain_text("Process notes are never included.")
    expect(panel).to_contain_text("The client has not asked for a copy in the portal.")
    with page.expect_download() as download:
        panel.get_by_role("button", name="Download the full record (zip)").click()
    assert download.value.suggested_filename == "health-record.zip"
    text, raw = _opened(download.value)
    assert f"{cast.client.given_name} {cast.client.family_name}" in text
    assert NOTE_TEXT in text
    assert json.loads(raw)["type"] == "collection"
    assert PROCESS_NOTE_SECRET not in text + raw
    assert "countertransference" not in text + raw


def test_a_client_asks_the_therapist_releases_and_the_client_downloads(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    _signed_note(cast)
    account = make_portal_account(cast.client)
    client = portal_phone(new_page)
    sign_in_portal(client, live_server, account)
    click(client, client.get_by_role("link", name="My record"))
    expect(client.get_by_text("You have not asked for a copy yet.")).to_be_visible()
    click(client, client.get_by_role("button", name="Ask for a copy of my record"))
    due = timezone.localdate() + timedelta(days=30)
    expect(client.get_by_text("Your request is sent.")).to_be_visible()
    requests = client.get_by_role("region", name="Your requests")
    expect(requests).to_contain_text(f"will answer by {due.day} {due:%B %Y}")
    expect(client.get_by_role("button", name="Ask for a copy of my record")).to_have_count(0)
    row = RecordRequest.objects.get(client=cast.client)
    assert str(cast.client.public_id) not in client.url

    staff = new_page()
    sign_in(staff, cast.therapist)
    visit(staff, reverse("clients:clinical", args=[cast.client.public_id]))
    panel = staff.get_by_role("region", name="Full record")
    expect(panel).to_contain_text(f"due {due.day} {due:%b %Y}")
    click(staff, panel.get_by_role("link", name="Review"))
    expect(staff.get_by_role("heading", level=1)).to_have_text("Request for a copy of the record")
    # Declining without a reason is refused, and changes nothing.
    decline = staff.get_by_role("region", name="Decline")
    decline.get_by_role("button", name="Decline the request").click()
    dialog = staff.get_by_role("dialog", name="Please confirm")
    with staff.expect_navigation():
        dialog.get_by_role("button", name="Yes, continue").click()
    # The refusal answers 400, which Chromium logs: only that.
    errors = watched(staff).take_errors()
    assert all("status of 400" in error for error in errors), errors
    audit(staff)
    expect(staff.get_by_text("Write the reason the client will read.")).to_be_visible()
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.REQUESTED
    release = staff.get_by_role("region", name="Release")
    confirm(
        staff,
        release.get_by_role("button", name="Release the record"),
        "Release the full record to the client?",
    )
    expect(staff.get_by_text("Released: the client can download the record")).to_be_visible()

    visit(client, reverse("portal:records"))
    expect(client.get_by_text("Your copy is ready.")).to_be_visible()
    with client.expect_download() as download:
        client.get_by_role("link", name="Download my record (zip)").click()
    assert download.value.suggested_filename == "health-record.zip"
    text, raw = _opened(download.value)
    assert NOTE_TEXT in text
    assert "countertransference" not in text + raw

    visit(staff, reverse("interop:record_request", args=[row.public_id]))
    expect(staff.get_by_text("Downloaded by the client")).to_be_visible()
    expect(staff.get_by_text("Not yet")).to_have_count(0)


def test_an_overdue_request_says_so_to_staff(page: Page, cast: SimpleNamespace) -> None:
    RecordRequest.objects.create(
        client=cast.client,
        requested_by=cast.therapist,
        requested_at=timezone.now() - timedelta(days=31),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    sign_in(page, cast.therapist)
    visit(page, reverse("clients:clinical", args=[cast.client.public_id]))
    expect(page.get_by_role("region", name="Full record")).to_contain_text("Overdue")
