"""A client's full record: a zip holding a readable PDF and a FHIR Bundle (type collection).

Everything about the client the clinic holds, except the therapist's process notes
(HIPAA psychotherapy notes, which the right of access excludes): the API's
resources for this patient, each locked session note with its addenda (and its
manual's own sections and session format) as a DocumentReference, and each logged
contact with a parent or caregiver as one too. The PDF is rendered from the same
Bundle, so the two agree.
Nothing personal is in the names inside the zip, nor in the zip's own name.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from rapport.clients.models import Client
from rapport.interop.exports_types import registry
from rapport.interop.record_pdf import render_pdf
from rapport.ipt import family
from rapport.ipt.models import CaregiverContact, SessionNote

PDF_NAME = "record.pdf"
BUNDLE_NAME = "record.fhir.json"
ZIP_NAME = "health-record.zip"
# What the record prints from a session note: every clinical text field of it.
NOTE_SECTIONS = (
    ("symptom_review", "Mood and symptom review"),
    ("suicidality_detail", "Risk detail and actions"),
    ("interval_events", "Interval events linked to mood"),
    ("problem_area_work", "Problem-area work"),
    ("between_session_plan", "Between-session plan"),
)
# Named in the audit row: which free text the record carries (never its content).
PRINTED_FIELDS = [
    "resources",
    *(name for name, _label in NOTE_SECTIONS),
    "sections",
    "addenda",
    "caregiver_contacts",
]


def build_zip(client: Client) -> bytes:
    """The zip of ``client``'s record, made now."""
    made_at = timezone.now()
    bundle = build_bundle(client, made_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PDF_NAME, render_pdf(client, bundle, made_at))
        archive.writestr(BUNDLE_NAME, json.dumps(bundle, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def build_bundle(client: Client, made_at: datetime) -> dict[str, Any]:
    """A Bundle of type collection: every resource about ``client``."""
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": made_at.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": _full_url(resource), "resource": resource}
            for resource in _resources(client)
        ],
    }


def _resources(client: Client) -> Iterator[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    for resource_type in registry().values():
        for resource in resource_type.stream(resource_type.rows(client.clinic, patient=client)):
            key = (resource["resourceType"], str(resource.get("id")))
            if key not in seen:  # a practitioner or questionnaire shared by several rows
                seen.add(key)
                yield resource
    yield from session_note_documents(client)
    yield from contact_documents(client)


def _full_url(resource: dict[str, Any]) -> str:
    base = settings.RAPPORT_BASE_URL or "http://localhost"
    return f"{base}/fhir/{resource['resourceType']}/{resource['id']}"


def session_note_documents(client: Client) -> Iterator[dict[str, Any]]:
    """Each locked session note, with its addenda, as a DocumentReference (plain text)."""
    notes = (
        SessionNote.objects.filter(episode__client=client)
        .exclude(status=SessionNote.Status.DRAFT)
        .select_related("author", "episode")
        .prefetch_related("addenda")
        .order_by("episode_id", "number")
    )
    for note in notes:
        text = note_text(note)
        yield {
            "resourceType": "DocumentReference",
            "id": str(note.public_id),
            "status": "current",
            "docStatus": "final" if note.status == SessionNote.Status.SIGNED else "preliminary",
            "type": {
                "coding": [
                    {"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}
                ],
                "text": f"Session {note.number} note",
            },
            "subject": {"reference": f"Patient/{client.public_id}"},
            "date": (note.signed_at or note.saved_at).isoformat(),
            "author": [{"reference": f"Practitioner/{note.author.public_id}"}],
            "description": f"Session {note.number}, {note.held_on.isoformat()}",
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(text.encode()).decode(),
                        "title": f"Session {note.number} note",
                    }
                }
            ],
            "context": {"period": {"start": note.held_on.isoformat()}},
        }


def note_text(note: SessionNote) -> str:
    """The note's clinical text as plain text, sections headed, addenda after."""
    parts = [f"Session {note.number}, {note.held_on.isoformat()}"]
    if note.mood_rating is not None:
        parts.append(f"Mood today (0-10): {note.mood_rating}")
    if note.suicidality:
        parts.append(f"Suicidality check: {note.get_suicidality_display()}")
    if note.session_format:
        parts.append(f"Session held with: {note.get_session_format_display()}")
    for name, label in NOTE_SECTIONS:
        value = getattr(note, name)
        if value:
            parts.append(f"{label}:\n{value}")
    for row in family.display_rows(note):  # the manual's own sections (variants.md §2.4)
        if row["value"]:
            parts.append(f"{row['label']}:\n{row['value']}")
    for addendum in note.addenda.all():
        parts.append(f"Addendum ({addendum.created_at.date().isoformat()}):\n{addendum.text}")
    return "\n\n".join(parts)


def contact_documents(client: Client) -> Iterator[dict[str, Any]]:
    """Each logged contact with a parent or caregiver (variants.md §1.2) as plain text."""
    contacts = (
        CaregiverContact.objects.filter(episode__client=client)
        .select_related("participant", "recorded_by")
        .order_by("contact_on", "pk")
    )
    for contact in contacts:
        title = f"Contact with a parent or caregiver, {contact.contact_on.isoformat()}"
        yield {
            "resourceType": "DocumentReference",
            "id": str(contact.public_id),
            "status": "current",
            "docStatus": "final",
            "type": {
                "coding": [{"system": "http://loinc.org", "code": "34109-9", "display": "Note"}],
                "text": "Contact with a parent or caregiver",
            },
            "subject": {"reference": f"Patient/{client.public_id}"},
            "date": contact.created_at.isoformat(),
            "author": [{"reference": f"Practitioner/{contact.recorded_by.public_id}"}],
            "description": title,
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(contact_text(contact).encode()).decode(),
                        "title": title,
                    }
                }
            ],
            "context": {"period": {"start": contact.contact_on.isoformat()}},
        }


def contact_text(contact: CaregiverContact) -> str:
    participant = contact.participant
    parts = [
        f"Contact on {contact.contact_on.isoformat()} with {participant.name} "
        f"({participant.relationship}), {contact.get_mode_display().lower()}",
        f"Initiated by: {contact.get_initiated_by_display()}",
        f"About: {contact.get_category_display()}",
        f"The young person was told of the contact: {contact.get_client_informed_display()}",
    ]
    if contact.not_informed_reason:
        parts.append(f"Why not:\n{contact.not_informed_reason}")
    if contact.summary:
        parts.append(f"Summary:\n{contact.summary}")
    return "\n\n".join(parts)
