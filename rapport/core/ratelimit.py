"""Limits counted from the audit log: every counted act leaves an audit row with
the caller's address and its object, so the log is the counter (no cache, no table)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.core.models import AuditEvent


def under_limit(action: str, limit: int, window: timedelta, **match: Any) -> bool:
    """Fewer than ``limit`` ``action`` rows matching ``match`` within ``window``."""
    recent = AuditEvent.objects.filter(action=action, at__gte=timezone.now() - window, **match)
    return recent.count() < limit
