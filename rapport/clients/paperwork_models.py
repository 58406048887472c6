"""Intake paperwork: the clinic's documents (consent to treatment, privacy notice,
telehealth consent), versioned, and the client's electronic signatures of them.

Each edit of a document makes a new version; old versions are kept, since a
signature names the exact version signed. A signature is immutable: its PDF is
rendered once, when signing, and never again.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.models import Clinic, ClinicKeyed, ClinicKeyedQuerySet, User


class DocumentKind(models.TextChoices):
    CONSENT = "consent_to_treatment", _("Consent to treatment")
    PRIVACY = "privacy_notice", _("Privacy notice")
    TELEHEALTH = "telehealth_consent", _("Telehealth consent")


# The documents that are consents: unsigned, they are flagged on the first session.
CONSENT_KINDS = (DocumentKind.CONSENT, DocumentKind.TELEHEALTH)


class IntakeDocumentQuerySet(models.QuerySet):
    def current(self, clinic: Clinic | int) -> IntakeDocumentQuerySet:
        """The latest version of each kind of the clinic's documents."""
        clinic_id = getattr(clinic, "pk", clinic)
        latest = (
            IntakeDocument.objects.filter(clinic_id=clinic_id, kind=models.OuterRef("kind"))
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.filter(clinic_id=clinic_id, pk=models.Subquery(latest))


class IntakeDocument(models.Model):
    """One version of one of the clinic's intake documents (never edited in place)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IntakeDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"], name="one_intake_document_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A document version is never changed: publish a new version.")
        super().save(*args, **kwargs)


class DocumentSignature(ClinicKeyed):
    """A client's electronic signature of one exact version of a document, with its PDF."""

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="document_signatures"
    )
    document = models.ForeignKey(IntakeDocument, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(_("full name"), max_length=200)
    signed_on = models.DateField(_("date"))
    signed_at = models.DateTimeField()
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField(editable=False)
    pdf_sha256 = models.CharField(max_length=64, editable=False)

    objects = ClinicKeyedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "document"], name="one_signature_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A signed document is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A signed document is immutable.")
