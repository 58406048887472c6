"""Whose calendar and availability a staff member may see and edit: one decision.

* A therapist manages their own weekly hours and time off, and sees their own
  calendar.
* Intake coordinators and clinic admins (the roles holding
  ``Capability.ADD_CLIENT``, clinic-wide: they book for everyone) manage every
  therapist of their clinic and see the clinic-wide calendar.
* Everyone else (a supervisor without a caseload) manages nobody: 403.
  A therapist outside the user's reach answers 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from rapport.core.access import Capability, can, staff_required
from rapport.core.models import Role, User


def manages_clinic_schedule(user: Any) -> bool:
    """Coordinators and admins: every therapist's hours and the clinic-wide calendar."""
    return can(user, Capability.ADD_CLIENT)


def therapists_in_reach(user: Any) -> QuerySet[User]:
    """The therapists whose availability and calendar ``user`` may manage."""
    therapists = User.objects.filter(
        clinic_id=user.clinic_id, is_active=True, staff_roles__role=Role.THERAPIST
    ).distinct()
    if manages_clinic_schedule(user):
        return therapists.order_by("last_name", "first_name", "pk")
    return therapists.filter(pk=user.pk)


def require_schedule_access(user: Any) -> None:
    """403 unless the user manages at least one therapist's schedule (their own or others')."""
    if not (manages_clinic_schedule(user) or user.has_role(Role.THERAPIST)):
        raise PermissionDenied


def get_therapist(user: Any, public_id: uuid.UUID | str) -> User:
    """A therapist within the user's reach, else 404."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    found = therapists_in_reach(user).filter(public_id=key).first()
    if found is None:
        raise Http404
    return found


def zone_of(therapist: User) -> str:
    """A therapist's own zone, else their clinic's (the default for new weekly hours)."""
    return therapist.time_zone or therapist.clinic.time_zone


def schedule_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Verified staff who manage some therapist's schedule (see the module docstring)."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_schedule_access(request.user)
        return view(request, *args, **kwargs)

    return wrapped
