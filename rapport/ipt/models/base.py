from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from rapport.clients.models import Client
from rapport.core.access import Capability


class EpisodeScopedQuerySet(models.QuerySet):
    """Rows that hang off an episode inherit the client's scope (the role table)."""

    episode_path = "episode__client"

    def visible_to(self, user: Any, capability: Capability = Capability.VIEW_CLINICAL) -> Any:
        clients = Client.objects.visible_to(user, capability).values("pk")
        return self.filter(**{f"{self.episode_path}__in": clients})


class PublicModel(models.Model):
    """An opaque id for URLs and exports, never the sequential key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.episode.client.public_id

    @property
    def clinic(self) -> Any:
        return self.episode.client.clinic
