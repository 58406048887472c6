"""The episode's working diagnosis: ICD-10-CM codes, dated, versioned (rapport.ipt.diagnoses)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode


class DiagnosisQuerySet(EpisodeScopedQuerySet):
    def current(self) -> DiagnosisQuerySet:
        return self.filter(replaced_at__isnull=True)


class EpisodeDiagnosis(ClinicKeyed, PublicModel):
    """One code on the episode. A change never edits a row: it closes the row
    (``replaced_at``) and records a new one, so every earlier version stays readable
    and a signed document shows the diagnosis that was current when it was made."""

    class Rank(models.IntegerChoices):
        PRIMARY = 1, _("Primary")
        SECONDARY = 2, _("Secondary")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="diagnoses")
    rank = models.PositiveSmallIntegerField(_("role"), choices=Rank.choices, default=Rank.PRIMARY)
    code = models.CharField(_("code"), max_length=10)
    # The code set's title and version when recorded: the record keeps what was chosen.
    title = models.CharField(_("title"), max_length=200)
    code_system_version = models.CharField(max_length=20)
    diagnosed_on = models.DateField(_("date of diagnosis"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why it was replaced or removed ("changed", "entered in error", "resolved").
    end_reason = models.CharField(max_length=20, blank=True)

    objects = DiagnosisQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "-recorded_at", "-pk"]
        constraints = [
            # One current primary and one current secondary per episode.
            models.UniqueConstraint(
                fields=["episode", "rank"],
                condition=Q(replaced_at__isnull=True),
                name="one_current_diagnosis_per_rank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
