"""Letters: filled from the record, edited, signed and stored unchanged, sent without text."""

from __future__ import annotations

import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from pypdf import PdfReader

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.reports import letters
from rapport.reports.models import Letter, LetterSettings, LetterTemplate, RecipientConsent
from tests.factories import csrf_post, signed_in
from tests.measures.charts_helpers import add_series


def text_of(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


@pytest.fixture
def consent(cast: SimpleNamespace) -> RecipientConsent:
    add_series(cast.client, [18, 12, 7], cast.episode.public_id)
    return RecipientConsent.objects.create(
        client=cast.client,
        recipient="prescriber",
        recipient_name="Dr Prescriber",
        recipient_email="gp@example.org",
        given_on=date(2026, 9, 1),
        how="Signed consent form",
        recorded_by=cast.therapist,
    )


def write(cast: SimpleNamespace, consent: RecipientConsent, kind: str = "prescriber_progress"):
    url = reverse("reports:letter_write", args=[cast.episode.public_id])
    return signed_in(cast.therapist).get(url, {"kind": kind, "consent": consent.public_id})


def test_a_letter_is_filled_edited_signed_and_stored(cast, consent) -> None:
    page = write(cast, consent)
    text = page.context["form"].initial["body"]
    assert text.startswith("Dear Dr Prescriber,")
    assert "PHQ-9: 18 at the start, 7 most recently" in text
    url = reverse("reports:letter_write", args=[cast.episode.public_id])
    data = {"kind": "prescriber_progress", "consent": consent.public_id, "body": text + " Edited."}
    assert csrf_post(signed_in(cast.therapist), url, data).status_code == 302
    letter = Letter.objects.get()
    assert letter.body.endswith("Edited.")
    assert (letter.signed_by, letter.consent) == (cast.therapist, consent)
    download = signed_in(cast.supervisor).get(
        reverse("reports:letter_download", args=[letter.public_id])
    )
    printed = text_of(download.content)
    assert "Edited." in printed
    assert "Signed electronically by" in printed
    assert "consent to share with this recipient, given on 1 September 2026" in printed
    assert re.fullmatch(
        r'attachment; filename="letter-\d{4}-\d{2}-\d{2}\.pdf"', download["Content-Disposition"]
    )
    assert AuditEvent.objects.filter(action="reports.letter.signed").exists()


def test_a_letter_needs_a_matching_live_consent(cast, consent) -> None:
    assert write(cast, consent, kind="referrer_ack").status_code == 400
    consent.withdrawn_at = consent.recorded_at
    consent.save()
    assert write(cast, consent).status_code == 400
    assert not Letter.objects.exists()


def test_sending_uses_an_expiring_link_unless_attachments_are_allowed(cast, consent) -> None:
    letter = letters.sign(
        SimpleNamespace(user=cast.therapist, META={}),
        cast.episode,
        kind="prescriber_progress",
        consent=consent,
        body="Private text about mood.",
    )
    http = signed_in(cast.therapist)
    csrf_post(
        http, reverse("reports:letter_send", args=[letter.public_id]), {"to": "gp@example.org"}
    )
    email = OutboundEmail.objects.get()
    assert "Private" not in email.subject + email.text_body
    assert cast.client.family_name not in email.subject + email.text_body
    link = re.search(r"/reports/l/\S+/", email.text_body).group(0)
    assert letters.attachments(email) == []
    stranger = HttpClient(enforce_csrf_checks=True)
    assert b"Download the letter" in stranger.get(link).content
    fetched = csrf_post(stranger, link)
    assert "Private text about mood." in text_of(fetched.content)

    LetterSettings.objects.create(clinic=cast.clinic, send_as_attachment=True)
    csrf_post(
        http, reverse("reports:letter_send", args=[letter.public_id]), {"to": "gp@example.org"}
    )
    attached = OutboundEmail.objects.order_by("-pk").first()
    [(name, content, kind)] = letters.attachments(attached)
    assert (name, kind) == ("letter.pdf", "application/pdf")
    assert "Private text about mood." in text_of(content)


def test_a_clinic_template_is_used_and_unknown_placeholders_stay(cast, consent) -> None:
    LetterTemplate.objects.create(
        clinic=cast.clinic,
        kind="prescriber_start",
        body="Hello {recipient_name} {nonsense}",
        updated_by=cast.admin,
    )
    text = write(cast, consent, kind="prescriber_start").context["form"].initial["body"]
    assert text == "Hello Dr Prescriber {nonsense}"


def _letters_settings(**changes: str) -> dict[str, str]:
    data = {"section": "letters"} | {f"letters-{k}": v for k, v in letters.BUILT_IN.items()}
    return data | {f"letters-{k}": v for k, v in changes.items()}


def test_an_admin_rewords_a_letter_and_allows_attachments(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    url = reverse("core:clinic_settings")
    page = http.get(url)
    assert "Every letter uses the built-in wording." in page.content.decode()
    data = _letters_settings(referrer_ack="Thanks, {recipient_name}.", send_as_attachment="on")
    assert csrf_post(http, url, data).status_code in {200, 302}
    assert LetterTemplate.objects.get(clinic=cast.clinic).body == "Thanks, {recipient_name}."
    assert LetterSettings.objects.get(clinic=cast.clinic).send_as_attachment
    event = AuditEvent.objects.get(action="reports.letters.settings_updated")
    assert "referrer_ack: wording changed" in event.fields
    # Putting the built-in wording back removes the clinic's own.
    csrf_post(http, url, _letters_settings())
    assert not LetterTemplate.objects.exists()
