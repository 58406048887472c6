"""A cast's episode made into one that keeps the rhythm diary (its manual schedules the SRM)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from rapport.rhythms import services


def rhythm_variant() -> str:
    """A variant whose manual schedules the SRM, read from the catalogue, never named."""
    return services.offering_variants()[0]


def keep_rhythms(episode: Any) -> Any:
    episode.variant = rhythm_variant()
    episode.save(update_fields=["variant"])
    return episode


def rhythm_episode(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": keep_rhythms(cast.episode).public_id}


def last_monday() -> date:
    return services.week_start(timezone.localdate()) - timedelta(days=7)


def rhythm_week(cast: SimpleNamespace) -> dict[str, Any]:
    return rhythm_episode(cast) | {"start": last_monday().isoformat()}


def portal_week(cast: SimpleNamespace) -> dict[str, Any]:
    keep_rhythms(cast.episode)
    return {"start": last_monday().isoformat()}


def portal_home(cast: SimpleNamespace) -> dict[str, Any]:
    keep_rhythms(cast.episode)
    return {}
