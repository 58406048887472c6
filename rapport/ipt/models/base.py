from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.access import Capability
from rapport.core.models import ClinicKeyedQuerySet


class EpisodeScopedQuerySet(ClinicKeyedQuerySet):
    """Rows that hang off an episode inherit the client's scope (the role table)."""

    episode_path = "episode__client"

    def visible_to(self, user: Any, capability: Capability = Capability.VIEW_CLINICAL) -> Any:
        clients = Client.objects.visible_to(user, capability).values("pk")
        return self.filter(**{f"{self.episode_path}__in": clients})


class LiveManager(models.Manager):
    """Hides soft-removed rows everywhere, related lookups included."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed_at__isnull=True)


class SoftRemovable(models.Model):
    """Removal is a soft, audited act (DESIGN.md): the row stays, hidden.

    Subclasses declare ``objects = LiveManager.from_queryset(TheirQuerySet)()`` first,
    so it is the default manager, and ``with_removed`` for restores and audits.
    """

    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def remove(self, user: Any) -> None:
        self.removed_at = timezone.now()
        self.removed_by = user
        self.save(update_fields=["removed_at", "removed_by"])


class PublicModel(models.Model):
    """An opaque id for URLs and exports, never the sequential key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.episode.client.public_id
