from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Each worker process stamps its row every cycle; /healthz reads the newest."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
