"""A running episode's change of manual: explicit, with its reason, kept (variants.md §0)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.catalogue import Variant
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode


class VariantChange(ClinicKeyed, PublicModel):
    """One change of an episode's variant; the episode holds the current one."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="variant_changes")
    from_variant = models.CharField(_("from"), max_length=20, choices=Variant.choices)
    to_variant = models.CharField(_("to"), max_length=20, choices=Variant.choices)
    reason = EncryptedTextField(_("reason for the change"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_variant} → {self.to_variant}"
