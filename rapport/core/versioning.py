"""Optimistic concurrency: write only if nobody saved since the editor loaded the row."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


def update_if_current(
    queryset: models.QuerySet, pk: Any, version: int | None, **values: Any
) -> bool:
    """Apply ``values`` and bump ``version`` in one conditional UPDATE.

    False means the row moved on (another tab or person saved): nothing was written,
    and the caller shows a conflict instead of overwriting.
    """
    if version is None:
        return False
    updated = queryset.filter(pk=pk, version=version).update(version=F("version") + 1, **values)
    return updated == 1
