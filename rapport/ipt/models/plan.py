"""The formulation in the client's words, shared in the portal once approved (§1.3 task 8).

Versions are rows. The newest may be a draft the therapist is still writing;
approval stamps it and freezes it. Changing an approved summary starts a new
draft, so the portal keeps showing the last approved text, as it stood when
approved, until the new one is approved in turn.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode


class ClientSummaryQuerySet(EpisodeScopedQuerySet):
    def approved(self) -> ClientSummaryQuerySet:
        return self.filter(approved_at__isnull=False)


class ClientSummary(ClinicKeyed, PublicModel):
    """One version of the client-facing summary of the formulation."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="summaries")
    version = models.PositiveSmallIntegerField()
    text = EncryptedTextField(_("summary for the client"))
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ClientSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="one_summary_version"),
        ]

    def __str__(self) -> str:
        return f"client summary v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.approved_at is None
