"""The episode summary PDF: what it says, what it never says, and what it leaves on file."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from rapport.core.models import AuditEvent, User
from rapport.ipt.models import Episode, ProcessNote
from tests.factories import PROCESS_NOTE_SECRET, signed_in


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.fixture
def finished(db) -> Episode:
    """The demo's finished course: 12 sessions, closed, with its plan and scores."""
    call_command("seed_demo", stdout=io.StringIO())
    return Episode.objects.get(
        client__given_name="Morgan", client__family_name="Madeup", status=Episode.Status.CLOSED
    )


def test_the_summary_of_a_finished_course(finished: Episode) -> None:
    therapist = User.objects.get(pk=finished.therapist_id)
    answer = signed_in(therapist).get(reverse("reports:episode_summary", args=[finished.public_id]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    filename = re.search(r'filename="([^"]+)"', answer["Content-Disposition"]).group(1)
    assert re.fullmatch(r"episode-summary-\d{4}-\d{2}-\d{2}\.pdf", filename)  # no PHI

    text, pages = pdf_text(answer.content)
    assert "Morgan Madeup" in text
    assert f"Page 1 of {pages}" in text  # page numbers on every page
    assert text.count("Confidential: Morgan Madeup") == pages  # the running header
    assert "12 attended, 0 cancelled, 0 not attended" in text
    assert "F32.1 Major depressive disorder, single episode, moderate" in text
    assert "Role transition" in text
    # measures.md §3, by hand: PHQ-9 16 → 3 is -13 (≥ 6 reliable, ≥ 50 % response,
    # < 5 remission); GAD-7 10 → 2 is -8 (≥ 4 reliable); both end below caseness.
    assert (
        "PHQ-9 16 3 -13 from baseline; reliable improvement; response (≥50% reduction); "
        "remission; below caseness" in text
    )
    assert "GAD-7 10 2 -8 from baseline; reliable improvement" in text
    assert "Recovery; Reliable improvement; Reliable recovery." in text
    assert "Reliable deterioration" not in text
    assert "baseline 16" in text  # the chart, drawn in the PDF
    assert "Maintenance plan" in text
    event = AuditEvent.objects.get(action="reports.summary.generated")
    assert (event.actor, event.subject_id) == (therapist, finished.client.public_id)


def test_no_process_note_or_session_note_text_is_printed(cast: SimpleNamespace) -> None:
    answer = signed_in(cast.therapist).get(
        reverse("reports:episode_summary", args=[cast.episode.public_id])
    )
    text, _pages = pdf_text(answer.content)
    assert ProcessNote.objects.filter(note__episode=cast.episode).exists()
    assert PROCESS_NOTE_SECRET not in text
    assert "No questionnaire was completed during this course." in text
