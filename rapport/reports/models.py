"""Letters to prescribers and referrers: clinic templates, recipients' consent, signed letters."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.fields import EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, OutboundEmail, User
from rapport.ipt.models import Episode
from rapport.ipt.models.base import EpisodeScopedQuerySet
from rapport.measures.models import ClientScopedQuerySet


class LetterKind(models.TextChoices):
    PRESCRIBER_START = "prescriber_start", _("To the prescriber: start of treatment")
    PRESCRIBER_PROGRESS = "prescriber_progress", _("To the prescriber: progress")
    PRESCRIBER_END = "prescriber_end", _("To the prescriber: end of treatment")
    REFERRER_ACKNOWLEDGEMENT = "referrer_ack", _("To the referrer: acknowledgement")
    REFERRER_OUTCOME = "referrer_outcome", _("To the referrer: outcome")


class Recipient(models.TextChoices):
    PRESCRIBER = "prescriber", _("Prescriber")
    REFERRER = "referrer", _("Referrer")


class LetterTemplate(models.Model):
    """A clinic's wording for one kind of letter; absent, the built-in wording applies."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    body = models.TextField(_("wording"))
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="one_letter_template_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class LetterSettings(models.Model):
    """Whether letters may travel as e-mail attachments (else a secure download link)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="+")
    send_as_attachment = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "letter settings"


class RecipientConsent(ClinicKeyed):
    """The client's consent to share with one prescriber or referrer, as recorded."""

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    recipient_name = models.CharField(_("recipient's name"), max_length=200)
    recipient_email = models.EmailField(_("recipient's e-mail"), blank=True)
    recipient_address = EncryptedTextField(_("recipient's postal address"))
    given_on = models.DateField(_("consent given on"))
    # How the client gave it ("signed form", "verbally in session 1"), encrypted like notes.
    how = EncryptedTextField(_("how consent was given"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["client", "recipient"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_live_by_client",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id


class Letter(ClinicKeyed):
    """A signed letter: its text and PDF never change (a correction is a new letter)."""

    clinic_from = "episode"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    consent = models.ForeignKey(RecipientConsent, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=200)
    body = EncryptedTextField(_("letter"))
    # The PDF as signed, base64 in an encrypted column, with its digest for integrity.
    pdf = EncryptedTextField()
    pdf_sha256 = models.CharField(max_length=64)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"letter {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.episode.client.public_id


class LetterDelivery(ClinicKeyed):
    """One sending of a letter by e-mail: the outbox row, and how the letter travelled."""

    clinic_from = "letter"
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    email = models.OneToOneField(OutboundEmail, on_delete=models.PROTECT, related_name="+")
    to = models.EmailField()
    as_attachment = models.BooleanField()
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"delivery of {self.letter}"


# Superbills' billing details live beside the letters (their own module).
from rapport.reports.models_billing import (  # noqa: E402, F401
    BillingSettings,
    ClientBillingAddress,
    TherapistBilling,
)
