"""The waitlist: who waits, in what order, and who to offer a therapist's free time to.

Position is the order of ``added_at`` among people still waiting; wait time is
the days since they were added. When a therapist has free slots in the next
fortnight, the coordinator is offered the longest-waiting people who prefer that
therapist or have no preference (we hold no data on which age groups a therapist
treats, so preference and waiting time decide).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import update_sealed
from rapport.core.models import Role, User
from rapport.intake.models import ConsultationRequest, WaitlistEntry
from rapport.scheduling import booking

LOOKAHEAD_DAYS = 14
OFFERED = 3  # people offered per therapist: enough to choose, few enough to act on

REMOVAL_REASONS = [
    ("offered", _("Offered a place")),
    ("withdrew", _("No longer wants to wait")),
    ("referred", _("Referred elsewhere")),
    ("unreachable", _("Could not be reached")),
    ("other", _("Other")),
]
# Reasons recorded by the system itself (not offered in the removal form).
CONVERTED = "accepted"
BOOKED = "consultation booked"


class WaitlistError(Exception):
    """A waitlist change that cannot be made; ``str(error)`` is fit to show."""


def waiting(clinic: Any) -> QuerySet[WaitlistEntry]:
    """Entries still waiting, longest first (their position is their place in this order)."""
    return (
        WaitlistEntry.objects.filter(request__clinic=clinic, removed_at__isnull=True)
        .select_related("request", "preferred_therapist")
        .order_by("added_at", "pk")
    )


def days_waiting(entry: WaitlistEntry, now: dt.datetime | None = None) -> int:
    return ((now or timezone.now()) - entry.added_at).days


def add(request: ConsultationRequest, *, preferred_therapist: User | None) -> WaitlistEntry:
    """Put a request on the waitlist (again, if it was removed before: the wait restarts)."""
    if request.client_id is not None:
        raise WaitlistError(_("This person is already a client; they need no waitlist place."))
    with transaction.atomic():
        entry, created = WaitlistEntry.objects.get_or_create(
            request=request,
            defaults={"preferred_therapist": preferred_therapist, "added_at": timezone.now()},
        )
        if not created:
            if entry.removed_at is None:
                raise WaitlistError(_("This person is already on the waitlist."))
            entry.preferred_therapist = preferred_therapist
            entry.added_at = timezone.now()
            entry.removed_at = None
            entry.removed_reason = ""
            entry.save()
        ConsultationRequest.objects.filter(pk=request.pk).update(
            status=ConsultationRequest.Status.WAITLISTED
        )
    return entry


def remove(request: ConsultationRequest, *, reason: str) -> bool:
    """Take a request off the waitlist; False when it was not waiting."""
    waiting = WaitlistEntry.objects.filter(request=request, removed_at__isnull=True)
    removed = update_sealed(waiting, removed_at=timezone.now(), removed_reason=reason[:120])
    return bool(removed)


def therapists(clinic: Any) -> QuerySet[User]:
    return User.objects.filter(
        clinic=clinic, is_active=True, staff_roles__role=Role.THERAPIST
    ).order_by("last_name", "first_name")


@dataclass
class Offer:
    """A therapist with free time soon, and the people to offer it to."""

    therapist: User
    slots: list[tuple[dt.datetime, dt.datetime]]
    candidates: list[WaitlistEntry] = field(default_factory=list)

    @property
    def first_slot(self) -> tuple[dt.datetime, dt.datetime]:
        return self.slots[0]


def offers(clinic: Any, entries: list[WaitlistEntry], today: dt.date) -> list[Offer]:
    """Per therapist with free slots in the next fortnight, the longest-waiting suitable people."""
    found = []
    staff = list(therapists(clinic))
    free = booking.free_slots_for(staff, today, LOOKAHEAD_DAYS)  # one pass for everyone
    for therapist in staff:
        slots = free[therapist.pk]
        if not slots:
            continue
        suitable = [
            entry for entry in entries if entry.preferred_therapist_id in (None, therapist.pk)
        ]
        found.append(Offer(therapist, slots, suitable[:OFFERED]))
    return found
