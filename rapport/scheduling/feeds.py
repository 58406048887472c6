"""A therapist's private, revocable calendar feed (issue 5 item 8).

The feed URL carries a random token; only its SHA-256 is stored, so the URL is
shown once, when the feed is created. Revoking stamps ``revoked_at`` and the
URL answers 404 from then on. The feed holds initials only (``ics``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import User
from rapport.scheduling.models import Appointment, CalendarFeed

# What a subscribed calendar shows: the recent past and the coming year.
PAST = dt.timedelta(days=30)
FUTURE = dt.timedelta(days=366)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(therapist: User) -> tuple[CalendarFeed, str]:
    """A new feed and its token (shown once; never stored)."""
    token = secrets.token_urlsafe(32)
    return CalendarFeed.objects.create(therapist=therapist, token_hash=hash_token(token)), token


def revoke(therapist: User, feed_id: int) -> bool:
    """Revoke one of the therapist's own live feeds; False if there is none such."""
    return bool(
        CalendarFeed.objects.filter(
            pk=feed_id, therapist=therapist, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def find(token: str) -> CalendarFeed | None:
    """The live feed a token opens, or None (unknown or revoked: the same to the caller)."""
    return (
        CalendarFeed.objects.select_related("therapist")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, therapist__is_active=True)
        .first()
    )


def url_for(token: str) -> str:
    return settings.RAPPORT_BASE_URL + reverse("scheduling:feed", args=[token])


def appointments(therapist: User, now: dt.datetime | None = None) -> list[Appointment]:
    """What the feed lists: cancelled and moved-away appointments are left out, since
    some calendar apps (calcurse) import an event marked CANCELLED as a real one; a
    subscribed calendar drops an event that is no longer in the feed."""
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(
            therapist=therapist, starts_at__gte=now - PAST, starts_at__lte=now + FUTURE
        )
        .exclude(status__in=(Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED))
        .exclude(status=Appointment.Status.HELD, held_until__lt=now)
        .select_related("client", "therapist")
    )
