"""Billing details a superbill prints: the clinic's, each therapist's, the client's address.

Rapport makes superbills (itemised receipts a client sends to their insurer) and never
submits claims. Identifiers here (EIN, NPI, licence number) are not clinical; the
client's postal address is personal data and is encrypted like other client text.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.fields import EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, User

# CPT psychotherapy time rules (AMA): 16–37 minutes 90832, 38–52 90834, 53 or more 90837;
# under 16 minutes no psychotherapy code applies. Clinics may change the boundaries.
DEFAULT_MIN_90832 = 16
DEFAULT_MIN_90834 = 38
DEFAULT_MIN_90837 = 53


def _minutes(default: int, label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )


def _fee(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class BillingSettings(models.Model):
    """The clinic as a superbill names it, and how session length maps to a CPT code."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="+")
    practice_name = models.CharField(_("practice name on superbills"), max_length=200)
    address = models.TextField(_("practice address"), max_length=500)
    phone = models.CharField(_("practice phone"), max_length=40)
    tax_id = models.CharField(_("tax ID (EIN)"), max_length=20)
    npi = models.CharField(_("practice NPI (type 2)"), max_length=10, blank=True)
    min_minutes_90832 = _minutes(DEFAULT_MIN_90832, _("90832 from (minutes)"))
    min_minutes_90834 = _minutes(DEFAULT_MIN_90834, _("90834 from (minutes)"))
    min_minutes_90837 = _minutes(DEFAULT_MIN_90837, _("90837 from (minutes)"))
    first_session_is_evaluation = models.BooleanField(
        _("bill a client's first held session as 90791 when no initial consultation was held"),
        default=False,
    )
    fee_90791 = _fee(_("fee for 90791"))
    fee_90832 = _fee(_("fee for 90832"))
    fee_90834 = _fee(_("fee for 90834"))
    fee_90837 = _fee(_("fee for 90837"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "billing settings"


class TherapistBilling(ClinicKeyed):
    """A therapist's credentials as a superbill prints them (the rendering provider)."""

    clinic_from = "therapist"
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    credentials = models.CharField(
        _("credential letters"), max_length=60, help_text=_("For example: PhD, LCSW or LPC.")
    )
    license_number = models.CharField(_("licence number"), max_length=40)
    license_state = models.CharField(
        _("licence state"), max_length=2, help_text=_("Two letters, for example NY.")
    )
    npi = models.CharField(_("NPI (type 1)"), max_length=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # One row per therapist; the clinic key keeps the rule within one clinic (sharding).
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "therapist"], name="one_billing_row_per_therapist"
            )
        ]

    def __str__(self) -> str:
        return f"billing details of {self.therapist_id}"


class ClientBillingAddress(ClinicKeyed):
    """The client's postal address as the superbill prints it."""

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    address = EncryptedTextField(_("client's postal address"))
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"billing address {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id
