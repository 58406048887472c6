"""Letters from clinic templates: filled from the episode, edited, signed, stored, sent.

A template's wording uses placeholders in braces, such as ``{client_name}``; unknown
ones stay as typed, so a clinic's edit can never break a letter. A signed letter's
text and PDF are stored encrypted and never change; sending goes through the outbox,
as an attachment only where the clinic allows it, else as a link that expires.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from rapport.core import audit
from rapport.core.models import OutboundEmail
from rapport.core.outbox import Attachment, attachment_source, queue_email
from rapport.ipt import diagnoses
from rapport.ipt.models import Episode
from rapport.reports import pdf, summary
from rapport.reports.models import (
    Letter,
    LetterDelivery,
    LetterKind,
    LetterSettings,
    LetterTemplate,
    Recipient,
)

LINK_SALT = "rapport.reports.letter-link"
LINK_DAYS = 14

RECIPIENT_OF = {
    LetterKind.PRESCRIBER_START: Recipient.PRESCRIBER,
    LetterKind.PRESCRIBER_PROGRESS: Recipient.PRESCRIBER,
    LetterKind.PRESCRIBER_END: Recipient.PRESCRIBER,
    LetterKind.REFERRER_ACKNOWLEDGEMENT: Recipient.REFERRER,
    LetterKind.REFERRER_OUTCOME: Recipient.REFERRER,
}

_OPENING = "Dear {recipient_name},\n\nRe: {client_name}, born {client_dob}\n\n"
_CLOSING = "\n\nYours sincerely,\n\n{therapist_name}\n{clinic_name}"
BUILT_IN = {
    LetterKind.PRESCRIBER_START: _OPENING
    + "I am writing to let you know that {client_name} started a course of Interpersonal "
    "Psychotherapy (IPT) with me on {start_date}. We have agreed {sessions_planned} sessions, "
    "focusing on {problem_areas}. Working diagnosis: {diagnosis}. Their PHQ-9 score at the "
    "start was {phq9_baseline}.\n\nI will write again at the end of treatment. Please let me "
    "know of any change in medication." + _CLOSING,
    LetterKind.PRESCRIBER_PROGRESS: _OPENING
    + "An update on {client_name}'s Interpersonal Psychotherapy, which started on {start_date}: "
    "{sessions_attended} of {sessions_planned} sessions attended so far. PHQ-9: {phq9_baseline} "
    "at the start, {phq9_latest} most recently ({outcome})." + _CLOSING,
    LetterKind.PRESCRIBER_END: _OPENING
    + "{client_name} has finished a course of Interpersonal Psychotherapy ({start_date} to "
    "{end_date}, {sessions_attended} sessions attended). PHQ-9: {phq9_baseline} at the start, "
    "{phq9_latest} at the end ({outcome}). We agreed a maintenance plan, including the early "
    "warning signs to look out for." + _CLOSING,
    LetterKind.REFERRER_ACKNOWLEDGEMENT: _OPENING
    + "Thank you for referring {client_name}. They started Interpersonal Psychotherapy with "
    "{clinic_name} on {start_date}." + _CLOSING,
    LetterKind.REFERRER_OUTCOME: _OPENING
    + "{client_name}, whom you referred, has finished a course of Interpersonal Psychotherapy "
    "({sessions_attended} sessions attended). PHQ-9: {phq9_baseline} at the start and "
    "{phq9_latest} at the end ({outcome})." + _CLOSING,
}
PLACEHOLDERS = sorted(set(re.findall(r"\{(\w+)\}", "".join(BUILT_IN.values()))))
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def wording(clinic: Any, kind: str) -> str:
    found = LetterTemplate.objects.filter(clinic=clinic, kind=kind).values_list("body", flat=True)
    return next(iter(found), None) or BUILT_IN[kind]


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def values_for(request: HttpRequest, episode: Episode, recipient_name: str) -> dict[str, str]:
    """What the placeholders stand for in this episode, now."""
    made = summary.build(request, episode)
    client = episode.client
    phq9 = next((m for m in made.measures if m.title == "PHQ-9"), None)
    codes = diagnoses.as_of(episode, timezone.now())
    return {
        "recipient_name": recipient_name,
        "client_name": f"{client.given_name} {client.family_name}",
        "client_dob": client.date_of_birth.strftime("%-d %B %Y"),
        "clinic_name": client.clinic.name,
        "therapist_name": episode.therapist.get_full_name() or str(episode.therapist),
        "start_date": episode.started_on.strftime("%-d %B %Y"),
        "end_date": episode.closed_on.strftime("%-d %B %Y") if episode.closed_on else "—",
        "sessions_attended": str(made.attendance["attended"]),
        "sessions_planned": str(made.planned_sessions or "—"),
        "problem_areas": ", ".join(made.problem_areas).lower() or "—",
        "diagnosis": "; ".join(f"{d.code} {d.title}" for d in codes) or "not recorded",
        "phq9_baseline": str(phq9.baseline) if phq9 else "—",
        "phq9_latest": str(phq9.latest) if phq9 else "—",
        "outcome": ", ".join(phq9.flags) if phq9 else "no scores",
    }


@transaction.atomic
def sign(request: HttpRequest, episode: Episode, *, kind: str, consent: Any, body: str) -> Letter:
    """Store the letter as signed now, with its PDF; neither changes afterwards."""
    letter = Letter(
        episode=episode,
        kind=kind,
        consent=consent,
        recipient_name=consent.recipient_name,
        body=body,
        signed_by=request.user,
        signed_at=timezone.now(),
    )
    content = pdf.render("reports/letter.html", {"letter": letter, "episode": episode})
    letter.pdf = base64.b64encode(content).decode()
    letter.pdf_sha256 = hashlib.sha256(content).hexdigest()
    letter.save()
    audit.record(request, "reports.letter.signed", letter, fields=["body", "pdf"])
    return letter


def pdf_of(letter: Letter) -> bytes:
    content = base64.b64decode(letter.pdf)
    if hashlib.sha256(content).hexdigest() != letter.pdf_sha256:
        raise ValueError("The stored letter does not match its signed digest.")
    return content


def link_token(letter: Letter) -> str:
    return signing.dumps(str(letter.public_id), salt=LINK_SALT)


def letter_for_token(token: str) -> Letter | None:
    try:
        public_id = signing.loads(token, salt=LINK_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return (
        Letter.objects.select_related("episode__client__clinic").filter(public_id=public_id).first()
    )


@transaction.atomic
def send(request: HttpRequest, letter: Letter, to: str) -> LetterDelivery:
    """E-mail the letter: attached where the clinic allows, else a link that expires.

    The e-mail itself carries no clinical text either way.
    """
    clinic = letter.episode.client.clinic
    attach = LetterSettings.objects.filter(clinic=clinic, send_as_attachment=True).exists()
    link = ""
    if not attach:
        link = settings.RAPPORT_BASE_URL + reverse("reports:letter_link", args=[link_token(letter)])
    email = queue_email(
        "reports/emails/letter",
        to=to,
        clinic=clinic,
        context={"clinic_name": clinic.name, "link": link, "days": LINK_DAYS},
    )
    delivery = LetterDelivery.objects.create(
        letter=letter, email=email, to=to, as_attachment=attach, sent_by=request.user
    )
    audit.record(request, "reports.letter.sent", letter, fields=["to", "as_attachment"])
    return delivery


@attachment_source
def attachments(email: OutboundEmail) -> list[Attachment]:
    """The signed PDF, for a letter sent as an attachment; nothing for other e-mails."""
    found = (
        LetterDelivery.objects.filter(email_id=email.pk, as_attachment=True)
        .select_related("letter")
        .first()
    )
    if found is None:
        return []
    return [("letter.pdf", pdf_of(found.letter), "application/pdf")]
