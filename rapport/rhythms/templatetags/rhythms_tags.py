"""Template helpers of the rhythm diary: clock times, and whether an episode keeps it."""

from __future__ import annotations

from typing import Any

from django import template

from rapport.rhythms import scoring, services

register = template.Library()


@register.filter
def clock(minutes: int | None) -> str:
    return scoring.clock(minutes)


@register.filter
def keeps_rhythms(episode: Any) -> bool:
    """Whether the episode's manual schedules the Social Rhythm Metric (no query)."""
    return services.episode_offers(episode)


@register.simple_tag(takes_context=True)
def portal_keeps_rhythms(context: Any) -> bool:
    """Whether the portal client has a diary (one query, once per request)."""
    request = context.get("request")
    if request is None or getattr(request, "portal_account", None) is None:
        return False
    if not hasattr(request, "_keeps_rhythms"):
        from rapport.rhythms.views_portal import diary_episode

        request._keeps_rhythms = diary_episode(request) is not None
    return request._keeps_rhythms
