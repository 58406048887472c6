"""The result of the termination phase: the maintenance plan (§1.7, §4.3–§4.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Contract, Episode


class MaintenancePlan(ClinicKeyed, PublicModel):
    """What the client takes away; later shown in the client portal and reports."""

    class Decision(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance sessions")
        CONTINUATION = "continuation", _("Continuation sessions")
        NONE = "none", _("No further sessions planned")
        REFERRAL = "referral", _("Referral to another treatment")

    clinic_from = "episode"
    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, related_name="maintenance_plan"
    )
    gains = EncryptedTextField(_("gains, in the client's words"))
    warning_signs = EncryptedTextField(_("early warning signs"))
    coping_strategies = EncryptedTextField(_("what helps"))
    supports = EncryptedTextField(_("people to turn to"))
    remaining_goals = EncryptedTextField(_("remaining goals"))
    decision = models.CharField(
        _("after this course"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.MAINTENANCE,
    )
    # §4.4: maintenance defaults to monthly.
    frequency = models.CharField(
        _("frequency"),
        max_length=20,
        choices=Contract.Frequency.choices,
        default=Contract.Frequency.MONTHLY,
        blank=True,
    )
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), null=True, blank=True
    )
    referral_detail = EncryptedTextField(_("referred to"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"maintenance plan {self.public_id}"
