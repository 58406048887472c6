"""The booking service: the one place an appointment is created.

    book(clinic=..., therapist=..., starts_at=..., ends_at=..., kind=..., by=...)

No double booking, even when two people book the same slot at once: each
booking runs in a transaction that first locks the therapist's user row
(``select_for_update``, PostgreSQL), so bookings for one therapist are
serialized; the overlap check and the insert happen under that lock. On
SQLite ``select_for_update`` is a no-op, but every transaction is BEGIN
IMMEDIATE (settings), which already serializes writers.

Expired holds no longer occupy time (see ``availability.occupying``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.models import Clinic, User
from rapport.scheduling import signals
from rapport.scheduling.availability import free_slots, free_slots_for, occupying
from rapport.scheduling.models import Appointment, SchedulingSettings, Series, TimeOff

__all__ = [
    "SlotTaken",
    "book",
    "free_slots",
    "free_slots_for",
    "occupying",
    "scheduling_settings",
]


class SlotTaken(Exception):
    """The time is not free; ``str(error)`` is a message fit to show the user."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("That time is no longer free. Please choose another."))

    @property
    def message(self) -> str:
        return str(self)


def scheduling_settings(clinic: Clinic) -> SchedulingSettings:
    """The clinic's scheduling rules; unsaved defaults when it never set any."""
    found = SchedulingSettings.objects.filter(clinic=clinic).first()
    return found or SchedulingSettings(clinic=clinic)


def book(
    *,
    clinic: Clinic,
    therapist: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str,
    client: Any = None,
    request_id: uuid.UUID | None = None,
    by: User,
    status: str = Appointment.Status.BOOKED,
    context_id: uuid.UUID | None = None,
    series: Series | None = None,
    series_index: int | None = None,
    video_link: str = "",
) -> Appointment:
    """Create one appointment, or raise SlotTaken if the time is not free."""
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")
    with transaction.atomic():
        # The lock that serializes bookings per therapist (see module docstring).
        User.objects.select_for_update().filter(pk=therapist.pk).first()
        now = timezone.now()
        _check_free(therapist, starts_at, ends_at, now)
        held_until = None
        if status == Appointment.Status.HELD:
            held_until = now + dt.timedelta(minutes=scheduling_settings(clinic).hold_minutes)
        appointment = Appointment.objects.create(
            clinic=clinic,
            therapist=therapist,
            client=client,
            request_id=request_id,
            kind=kind,
            status=status,
            starts_at=starts_at,
            ends_at=ends_at,
            context_id=context_id,
            series=series,
            series_index=series_index,
            video_link=video_link,
            held_until=held_until,
        )
        signals.appointment_booked.send(sender=Appointment, appointment=appointment)
        return appointment


def _check_free(
    therapist: User, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> None:
    taken = occupying(now).filter(therapist=therapist).overlapping(starts_at, ends_at)
    if taken.exists():
        raise SlotTaken(
            _("%(name)s already has an appointment at that time. Please choose another time.")
            % {"name": therapist.get_full_name() or therapist.get_username()}
        )
    away = TimeOff.objects.filter(
        therapist=therapist, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()
    if away:
        raise SlotTaken(
            _("%(name)s is away at that time. Please choose another time.")
            % {"name": therapist.get_full_name() or therapist.get_username()}
        )
