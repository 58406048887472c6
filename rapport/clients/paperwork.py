"""Intake paperwork: the clinic's current documents, publishing new versions, a
client's status for each, and signing (with its immutable PDF).

The clients app keeps documents and signatures (DESIGN.md: clients holds consents),
so the client record shows their status without knowing the portal exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients.models import Client
from rapport.clients.paperwork_models import (
    CONSENT_KINDS,
    DocumentKind,
    DocumentSignature,
    IntakeDocument,
)
from rapport.core.models import Clinic

# Deliberately short and plain, and marked as templates: each clinic replaces them
# with its own wording (clinic settings → Intake paperwork).
TEMPLATE_NOTE = gettext_lazy(
    "[TEMPLATE — the clinic must replace this text with its own before use.]"
)
DEFAULTS: dict[str, tuple[Any, Any]] = {
    DocumentKind.CONSENT: (
        gettext_lazy("Consent to treatment"),
        gettext_lazy(
            "I agree to take part in Interpersonal Psychotherapy (IPT) with this clinic.\n\n"
            "I understand that therapy is voluntary, that I can ask questions at any time, "
            "and that I can stop at any time.\n\n"
            "I understand that what I share is kept confidential, except where the law "
            "requires the clinic to act to keep me or someone else safe.\n\n"
            "I understand that this portal and the clinic's messages are not monitored "
            "around the clock, and that in a crisis I will use the crisis numbers shown."
        ),
    ),
    DocumentKind.PRIVACY: (
        gettext_lazy("Privacy notice"),
        gettext_lazy(
            "This notice explains how the clinic uses and protects your information.\n\n"
            "We keep your record to provide your care. Your notes are stored encrypted, and "
            "every time someone reads them it is recorded.\n\n"
            "We share your information only with your consent, or where the law requires "
            "it.\n\nYou can ask to see your record, and ask us to correct it."
        ),
    ),
    DocumentKind.TELEHEALTH: (
        gettext_lazy("Telehealth consent"),
        gettext_lazy(
            "I agree that some sessions may take place by video.\n\n"
            "I will join from a private place where I cannot be overheard, and I understand "
            "that video calls carry some risks to privacy despite the clinic's care.\n\n"
            "If the call drops, my therapist will try to reach me by phone. In an emergency "
            "during a video session, I will tell my therapist where I am."
        ),
    ),
}


def _default_body(kind: str) -> str:
    return f"{TEMPLATE_NOTE}\n\n{DEFAULTS[kind][1]}"


def current_documents(clinic: Clinic | int) -> list[IntakeDocument]:
    """The latest version of each document, in a fixed order; a clinic that never
    edited them gets the default templates as version 1."""
    clinic_id = getattr(clinic, "pk", clinic)
    found = {doc.kind: doc for doc in IntakeDocument.objects.current(clinic_id)}
    missing = [kind for kind in DocumentKind.values if kind not in found]
    for kind in missing:
        try:
            with transaction.atomic():
                found[kind] = IntakeDocument.objects.create(
                    clinic_id=clinic_id,
                    kind=kind,
                    version=1,
                    title=str(DEFAULTS[kind][0]),
                    body=_default_body(kind),
                )
        except IntegrityError:  # another request created it first
            found[kind] = IntakeDocument.objects.current(clinic_id).get(kind=kind)
    return [found[kind] for kind in DocumentKind.values]


@transaction.atomic
def publish(clinic: Clinic, kind: str, *, title: str, body: str, by: Any) -> IntakeDocument:
    """A new version of one document; the old ones stay, and clients are asked again."""
    current_documents(clinic)  # version 1 exists before the first edit
    last = IntakeDocument.objects.filter(clinic=clinic, kind=kind).aggregate(n=Max("version"))
    return IntakeDocument.objects.create(
        clinic=clinic,
        kind=kind,
        version=(last["n"] or 0) + 1,
        title=title,
        body=body,
        created_by=by,
    )


@dataclass(frozen=True)
class DocumentStatus:
    document: IntakeDocument  # the current version
    signature: DocumentSignature | None  # of the current version
    earlier: DocumentSignature | None  # the latest signature of an older version

    @property
    def state(self) -> str:
        if self.signature is not None:
            return "signed"
        return "outdated" if self.earlier is not None else "unsigned"

    @property
    def state_label(self) -> str:
        return {
            "signed": _("Signed"),
            "outdated": _("Signed an older version"),
            "unsigned": _("Not signed"),
        }[self.state]


def statuses(client: Client) -> list[DocumentStatus]:
    """Each current document and where this client stands with it (two queries)."""
    documents = current_documents(client.clinic_id)
    signatures = (
        DocumentSignature.objects.filter(client=client)
        .select_related("document")
        .defer("pdf")
        .order_by("-signed_at", "-pk")
    )
    current_ids = {doc.pk for doc in documents}
    signed: dict[int, DocumentSignature] = {}
    earlier: dict[str, DocumentSignature] = {}
    for signature in signatures:
        if signature.document_id in current_ids:
            signed.setdefault(signature.document_id, signature)
        else:
            earlier.setdefault(signature.document.kind, signature)
    return [DocumentStatus(doc, signed.get(doc.pk), earlier.get(doc.kind)) for doc in documents]


class SigningRefused(Exception):
    """The signature cannot be taken; the message says why, for the client."""


def names_match(typed: str, client: Client) -> bool:
    """The typed name holds the client's given (or preferred) and family names."""
    words = {word.casefold() for word in typed.replace("-", " ").split()}
    family = {word.casefold() for word in client.family_name.replace("-", " ").split()}
    given = {
        name.casefold()
        for name in (client.given_name, client.preferred_name)
        if name
        for name in name.replace("-", " ").split()
    }
    return family <= words and bool(given & words)


@transaction.atomic
def sign(
    client: Client,
    document: IntakeDocument,
    *,
    typed_name: str,
    signed_on: dt.date,
    by: Any,
    now: dt.datetime | None = None,
) -> DocumentSignature:
    """Sign the current version of a document, rendering its PDF once."""
    now = now or timezone.now()
    typed_name = " ".join(typed_name.split())
    latest = IntakeDocument.objects.current(client.clinic).filter(kind=document.kind).first()
    if latest is None or latest.pk != document.pk or document.clinic_id != client.clinic_id:
        raise SigningRefused(
            _("The clinic has published a newer version of this document. Please read it again.")
        )
    if DocumentSignature.objects.filter(client=client, document=document).exists():
        raise SigningRefused(_("You have already signed this version."))
    signature = DocumentSignature(
        client=client,
        document=document,
        typed_name=typed_name,
        signed_on=signed_on,
        signed_at=now,
        signed_by=by,
    )
    signature.pdf = render_pdf(signature)
    signature.pdf_sha256 = hashlib.sha256(signature.pdf).hexdigest()
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:  # the same form sent twice at once: the first one counts
        raise SigningRefused(_("You have already signed this version.")) from None
    return signature


def render_pdf(signature: DocumentSignature) -> bytes:
    """The signed document as a PDF: its text, version, the typed name, date and time."""
    from weasyprint import HTML  # loads Pango: only when a document is signed

    document = signature.document
    clinic = document.clinic
    signed_at = timezone.localtime(signature.signed_at, clinic.zone)
    html = render_to_string(
        "clients/paperwork/signed_pdf.html",
        {
            "signature": signature,
            "document": document,
            "clinic": clinic,
            "paragraphs": [p.strip() for p in document.body.split("\n\n") if p.strip()],
            "signed_at": signed_at,
            "zone": clinic.time_zone,
        },
    )
    return HTML(string=html).write_pdf()


def unsigned_consent_clients(clinic_id: int, client_ids: set[int]) -> dict[int, list[str]]:
    """Of these clients of one clinic, those who have not signed a current consent:
    ``{client: [titles]}``. Two queries, however many clients (the calendar asks for a week).
    """
    if not client_ids:
        return {}
    consents = list(IntakeDocument.objects.current(clinic_id).filter(kind__in=CONSENT_KINDS))
    consents = consents or _default_consents()
    signed = set(
        DocumentSignature.objects.filter(
            client_id__in=client_ids, document_id__in=[doc.pk for doc in consents if doc.pk]
        ).values_list("client_id", "document_id")
    )
    missing: dict[int, list[str]] = {}
    for client_id in client_ids:
        titles = [doc.title for doc in consents if (client_id, doc.pk) not in signed]
        if titles:
            missing[client_id] = titles
    return missing


def _default_consents() -> list[IntakeDocument]:
    """A clinic that has never opened its paperwork: its consents are the defaults, unsigned."""
    return [IntakeDocument(kind=kind, title=str(DEFAULTS[kind][0])) for kind in CONSENT_KINDS]
