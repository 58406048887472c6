"""A client's full record: the zip staff make, and the portal request staff review and release."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from pypdf import PdfReader

from rapport.core.models import AuditEvent
from rapport.interop.record_models import RecordRequest
from rapport.ipt.models import Addendum, SessionNote
from tests.factories import (
    PROCESS_NOTE_SECRET,
    csrf_post,
    make_portal_account,
    portal_signed_in,
    signed_in,
)

NOTE_TEXT = "Talked through the move to Leeds and the loss of her sister's daily calls"
ADDENDUM_TEXT = "Addendum: the client corrected the date of the move"
PROCESS_MARKER = "countertransference"  # a unique phrase of the planted process note


@pytest.fixture
def record_cast(cast) -> SimpleNamespace:
    assert PROCESS_MARKER in PROCESS_NOTE_SECRET
    SessionNote.objects.filter(pk=cast.note.pk).update(
        status=SessionNote.Status.SIGNED, signed_at=timezone.now(), signed_by=cast.therapist
    )
    note = SessionNote.objects.get(pk=cast.note.pk)
    note.problem_area_work = NOTE_TEXT
    note.save()
    Addendum.objects.create(note=note, author=cast.therapist, reason="date", text=ADDENDUM_TEXT)
    return cast


def unzip(content: bytes) -> tuple[str, dict[str, Any], str]:
    """The PDF's text, the Bundle, and the Bundle's raw JSON text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["record.fhir.json", "record.pdf"]
        raw = archive.read("record.fhir.json").decode()
        pdf = PdfReader(io.BytesIO(archive.read("record.pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    return " ".join(text.split()), json.loads(raw), raw


def download(http: Any, client: Any) -> Any:
    return csrf_post(http, reverse("interop:record_download", args=[client.public_id]))


def test_it_makes_a_zip_of_a_readable_pdf_and_a_valid_bundle_without_process_notes(
    record_cast,
) -> None:
    cast = record_cast
    response = download(signed_in(cast.therapist), cast.client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="health-record.zip"'
    text, bundle, raw = unzip(response.content)

    get_fhir_model_class("Bundle").model_validate(bundle)
    assert bundle["type"] == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert {"Patient", "EpisodeOfCare", "DocumentReference"} <= set(kinds)
    patients = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert [p["id"] for p in patients] == [str(cast.client.public_id)]
    [note] = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    ]
    attached = base64.b64decode(note["content"][0]["attachment"]["data"]).decode()
    assert NOTE_TEXT in attached
    assert ADDENDUM_TEXT in attached

    assert cast.client.family_name in text
    assert "Session notes" in text
    assert "Talked through the move to Leeds" in text
    for body in (text, raw, attached):
        assert PROCESS_MARKER not in body
        assert PROCESS_NOTE_SECRET not in body
    event = AuditEvent.objects.get(action="interop.record.generated")
    assert event.subject_id == cast.client.public_id
    assert event.actor == cast.therapist


def test_it_includes_no_other_clients_data(record_cast) -> None:
    cast = record_cast
    _text, _bundle, raw = unzip(download(signed_in(cast.therapist), cast.client).content)
    assert str(cast.colleague_client.public_id) not in raw
    assert cast.colleague_client.family_name not in raw


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 200), ("intake", 403), ("admin", 403), ("colleague", 404), ("outsider", 404)],
)
def test_only_those_who_read_the_clinical_record_may_make_it(
    record_cast, role: str, status: int
) -> None:
    cast = record_cast
    response = download(signed_in(getattr(cast, role)), cast.client)
    assert response.status_code == status
    assert AuditEvent.objects.filter(action="interop.record.generated").count() == (
        1 if status == 200 else 0
    )


def test_a_get_makes_nothing(record_cast) -> None:
    http = signed_in(record_cast.therapist)
    url = reverse("interop:record_download", args=[record_cast.client.public_id])
    assert http.get(url).status_code == 405


# --- The portal request --------------------------------------------------------------


def ask(cast: SimpleNamespace) -> tuple[Any, Any]:
    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    response = csrf_post(http, reverse("portal:records"))
    assert response.status_code == 302
    return http, RecordRequest.objects.get(client=cast.client)


def test_a_client_asks_once_and_the_request_is_due_in_30_days(record_cast) -> None:
    http, row = ask(record_cast)
    assert row.status == RecordRequest.Status.REQUESTED
    assert row.due_on == timezone.localdate() + timedelta(days=30)
    csrf_post(http, reverse("portal:records"))
    assert RecordRequest.objects.count() == 1
    page = http.get(reverse("portal:records")).content.decode()
    assert "The clinic is reviewing it and will answer by" in page
    assert "Ask for a copy of my record" not in page
    assert AuditEvent.objects.filter(action="interop.record.requested").count() == 1


def test_a_guardian_may_not_ask_for_the_clients_record(record_cast) -> None:
    account = make_portal_account(
        record_cast.client, role="guardian", name="Sam Guardian", relationship="parent"
    )
    http = portal_signed_in(account)
    assert http.get(reverse("portal:records")).status_code == 403


def test_staff_see_the_due_date_and_when_it_is_overdue(record_cast) -> None:
    cast = record_cast
    _http, row = ask(cast)
    staff = signed_in(cast.therapist)
    page = staff.get(reverse("clients:clinical", args=[cast.client.public_id])).content.decode()
    assert f"due {row.due_on:%-d %b %Y}" in page
    assert "Overdue" not in page
    RecordRequest.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    page = staff.get(reverse("clients:clinical", args=[cast.client.public_id])).content.decode()
    assert "Overdue" in page
    review = staff.get(reverse("interop:record_request", args=[row.public_id]))
    assert "Overdue" in review.content.decode()


def test_released_the_client_downloads_it_and_nobody_else_can(record_cast) -> None:
    cast = record_cast
    http, row = ask(cast)
    file_url = reverse("portal:record_file", args=[row.public_id])
    assert http.get(file_url).status_code == 404  # not yet released
    staff = signed_in(cast.therapist)
    response = csrf_post(
        staff, reverse("interop:record_release", args=[row.public_id]), {"_confirmed": "1"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.RELEASED
    assert row.decided_by == cast.therapist

    response = http.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="health-record.zip"'
    text, bundle, raw = unzip(response.content)
    get_fhir_model_class("Bundle").model_validate(bundle)
    assert PROCESS_MARKER not in text + raw
    row.refresh_from_db()
    assert row.downloaded_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"interop.record.released", "interop.record.downloaded"} <= actions

    other = portal_signed_in(make_portal_account(cast.colleague_client))
    assert other.get(file_url).status_code == 404
    assert signed_in(cast.therapist).get(file_url).status_code == 302  # staff: portal sign-in


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("en", "A document you asked for is ready in your portal", "Hello,"),
        ("es", "Un documento que usted pidió está listo en su portal", "Hola:"),
    ],
)
def test_released_the_client_is_emailed_a_link_in_their_language(
    record_cast, settings, language: str, subject: str, greeting: str
) -> None:
    from django.core import mail

    from rapport.core.models import OutboundEmail
    from rapport.core.outbox import send_due_emails

    settings.RAPPORT_BASE_URL = "https://clinic.example"
    cast = record_cast
    cast.client.preferred_language = language
    cast.client.save()
    _http, row = ask(cast)
    OutboundEmail.objects.all().delete()  # only what the release queues
    staff = signed_in(cast.therapist)
    csrf_post(staff, reverse("interop:record_release", args=[row.public_id]), {"_confirmed": "1"})
    send_due_emails("test-worker")  # the worker's outbox job, as it runs
    [sent] = mail.outbox
    account = cast.client.portal_accounts.get()
    assert sent.to == [account.email]
    assert sent.subject == subject
    link = settings.RAPPORT_BASE_URL + reverse("portal:records")
    assert link in sent.body
    assert sent.body.startswith(greeting)
    # No PHI: no name, no file, no address other than the portal's record page.
    for told in (cast.client.given_name, cast.client.family_name, str(row.public_id), ".zip"):
        assert told not in sent.subject + sent.body
    assert [word for word in sent.body.split() if "/" in word] == [link]


def test_a_declined_or_undecided_request_sends_no_ready_email(record_cast) -> None:
    from rapport.core.models import OutboundEmail

    cast = record_cast
    _http, row = ask(cast)
    OutboundEmail.objects.all().delete()
    reason = "We sent the record to your new clinic at your request last week."
    url = reverse("interop:record_decline", args=[row.public_id])
    csrf_post(signed_in(cast.therapist), url, {"reason": reason, "_confirmed": "1"})
    assert not OutboundEmail.objects.exists()


def test_a_released_copy_expires(record_cast) -> None:
    cast = record_cast
    http, row = ask(cast)
    csrf_post(signed_in(cast.therapist), reverse("interop:record_release", args=[row.public_id]))
    RecordRequest.objects.update(available_until=timezone.now() - timedelta(seconds=1))
    assert http.get(reverse("portal:record_file", args=[row.public_id])).status_code == 404
    assert "no longer available" in http.get(reverse("portal:records")).content.decode()


def test_declining_needs_a_reason_the_client_then_reads(record_cast) -> None:
    cast = record_cast
    http, row = ask(cast)
    staff = signed_in(cast.therapist)
    url = reverse("interop:record_decline", args=[row.public_id])
    refused = csrf_post(staff, url, {"reason": "   ", "_confirmed": "1"})
    assert refused.status_code == 400
    assert "Write the reason the client will read." in refused.content.decode()
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.REQUESTED

    reason = "We sent the record to your new clinic at your request last week."
    csrf_post(staff, url, {"reason": reason, "_confirmed": "1"})
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.DECLINED
    assert reason in http.get(reverse("portal:records")).content.decode()
    assert http.get(reverse("portal:record_file", args=[row.public_id])).status_code == 404
    # Decided once: a second decision changes nothing.
    csrf_post(staff, reverse("interop:record_release", args=[row.public_id]))
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.DECLINED


@pytest.mark.parametrize(("role", "status"), [("supervisor", 403), ("colleague", 404)])
def test_only_the_clients_therapist_reviews(record_cast, role: str, status: int) -> None:
    cast = record_cast
    _http, row = ask(cast)
    staff = signed_in(getattr(cast, role))
    assert staff.get(reverse("interop:record_request", args=[row.public_id])).status_code == status
    response = csrf_post(staff, reverse("interop:record_release", args=[row.public_id]))
    assert response.status_code == status
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.REQUESTED


def test_a_family_s_record_carries_the_manual_s_sections_and_the_parent_contacts(cast) -> None:
    """FB-IPT's own note sections, the session's format and the contact log are part of the
    record the client may ask for (variants.md §1.2, §2.4)."""
    from rapport.ipt.catalogue import Variant
    from rapport.ipt.models import CaregiverContact, Participant
    from tests.factories import make_client, make_episode, make_note

    client = make_client(cast.clinic, cast.therapist, given_name="Noa")
    episode = make_episode(client, variant=Variant.FAMILY_BASED)
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Ruth Levi",
        relationship="mother",
        contact="555 0101",
        has_legal_authority=True,
        added_by=cast.therapist,
    )
    make_note(
        episode,
        2,
        session_format="parent_child",
        sections={"child_alone": "Closeness circle drawn together."},
        status=SessionNote.Status.SIGNED,
        signed_at=timezone.now(),
        signed_by=cast.therapist,
    )
    CaregiverContact.objects.create(
        episode=episode,
        participant=parent,
        contact_on="2026-09-10",
        mode="phone",
        initiated_by="parent",
        category="progress",
        client_informed="yes",
        summary="Asked how school is going; agreed to talk at session 6.",
        recorded_by=cast.therapist,
    )
    text, bundle, _raw = unzip(download(signed_in(cast.therapist), client).content)
    get_fhir_model_class("Bundle").model_validate(bundle)
    documents = {
        entry["resource"]["description"]: base64.b64decode(
            entry["resource"]["content"][0]["attachment"]["data"]
        ).decode()
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "DocumentReference"
    }
    [note] = [body for title, body in documents.items() if title.startswith("Session 2")]
    assert "Session held with: Parent and child" in note
    assert "Closeness circle drawn together." in note
    contact = documents["Contact with a parent or caregiver, 2026-09-10"]
    assert "Ruth Levi (mother), telephone" in contact
    assert "agreed to talk at session 6" in contact
    for words in ("Closeness circle drawn together.", "agreed to talk at session 6"):
        assert words in text
