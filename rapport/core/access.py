"""The role table of DESIGN.md, in one place.

Views declare what they do with ``@requires(Capability.X)``; querysets scope
rows with ``visible_to(user, Capability.X)``, which asks ``reach()`` how far the
user's roles extend for that capability. So:

* logged out → login page; staff without a verified second factor → 2FA page;
* no role grants the capability → 403 (visible-but-forbidden);
* the object lies outside the user's reach → 404 (as if it did not exist).

Portal accounts (clients and guardians) hold no staff role: the portal's middleware
puts ``portal_role`` and ``portal_client_id`` on the user of a portal session, and
their rows of the table reach that one client (``Reach.SELF``) and nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core.models import PortalRole, Role


class Capability(enum.StrEnum):
    VIEW_CLIENTS = "view_clients"
    ADD_CLIENT = "add_client"
    EDIT_DEMOGRAPHICS = "edit_demographics"
    VIEW_CLINICAL = "view_clinical"
    EDIT_CLINICAL = "edit_clinical"
    VIEW_AUDIT = "view_audit"
    MANAGE_CLINIC = "manage_clinic"
    COSIGN_NOTES = "cosign_notes"
    # The portal: the client's own answers, plan, practice and messages …
    PORTAL_OWN = "portal_own"
    # … and what a guardian may see too: appointments, shared plan parts, crisis resources.
    PORTAL_SHARED = "portal_shared"


class Reach(enum.IntEnum):
    """How far a capability extends over a clinic's clients (larger covers more)."""

    SELF = 0  # the one client a portal account belongs to
    SUPERVISED = 1  # clients of the therapists the user supervises
    ASSIGNED = 2  # clients assigned to the user
    CLINIC = 3  # every client of the user's clinic


C, R = Capability, Reach
ROLE_TABLE: dict[str, dict[Capability, Reach]] = {
    # Operations and de-identified reports; no clinical content (DESIGN.md).
    Role.CLINIC_ADMIN: {
        C.VIEW_CLIENTS: R.CLINIC,
        C.ADD_CLIENT: R.CLINIC,
        C.EDIT_DEMOGRAPHICS: R.CLINIC,
        C.VIEW_AUDIT: R.CLINIC,
        C.MANAGE_CLINIC: R.CLINIC,
    },
    # Demographics and booking; never notes or questionnaire answers.
    Role.INTAKE_COORDINATOR: {
        C.VIEW_CLIENTS: R.CLINIC,
        C.ADD_CLIENT: R.CLINIC,
        C.EDIT_DEMOGRAPHICS: R.CLINIC,
    },
    Role.THERAPIST: {
        C.VIEW_CLIENTS: R.ASSIGNED,
        C.EDIT_DEMOGRAPHICS: R.ASSIGNED,
        C.VIEW_CLINICAL: R.ASSIGNED,
        C.EDIT_CLINICAL: R.ASSIGNED,
    },
    # Reviews supervisees' cases; does not write in them.
    Role.SUPERVISOR: {
        C.VIEW_CLIENTS: R.SUPERVISED,
        C.VIEW_CLINICAL: R.SUPERVISED,
        C.COSIGN_NOTES: R.SUPERVISED,
    },
    # The client in the portal: their own record, never a staff capability.
    PortalRole.CLIENT: {
        C.PORTAL_OWN: R.SELF,
        C.PORTAL_SHARED: R.SELF,
    },
    # A parent or guardian of an adolescent: never the adolescent's answers or messages.
    PortalRole.GUARDIAN: {
        C.PORTAL_SHARED: R.SELF,
    },
}
del C, R


def reaches(user: Any, capability: Capability) -> set[Reach]:
    """Every reach the user's roles give for ``capability`` (empty: none)."""
    role = portal_role(user)
    if role is not None:
        return {ROLE_TABLE[role][capability]} if capability in ROLE_TABLE[role] else set()
    if not is_verified_staff(user):
        return set()
    return {ROLE_TABLE[role][capability] for role in user.roles if capability in ROLE_TABLE[role]}


# Break-glass (docs/security.md): a clinician may open one client beyond their reach
# for a stated reason. The grant extends viewing only, never writing, co-signing or
# process notes. The clients app keeps the grants and, on each safe request, puts the
# ids of the clients its active grants open on ``user.break_glass_clients``.
BREAK_GLASS_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR})
BREAK_GLASS_CAPABILITIES = frozenset({Capability.VIEW_CLIENTS, Capability.VIEW_CLINICAL})


def may_break_glass(user: Any) -> bool:
    """Whether ``user`` is a clinician who may ask for break-glass access."""
    return is_verified_staff(user) and bool(user.roles & BREAK_GLASS_ROLES)


def granted_clients(user: Any, capability: Capability) -> frozenset[int]:
    """Clients (keys) beyond the role table that an active break-glass grant opens."""
    if capability not in BREAK_GLASS_CAPABILITIES or not may_break_glass(user):
        return frozenset()
    return frozenset(getattr(user, "break_glass_clients", ()))


def can(user: Any, capability: Capability) -> bool:
    return bool(reaches(user, capability))


def portal_role(user: Any) -> str | None:
    """The portal role of a user signed in through the portal (None for staff)."""
    return getattr(user, "portal_role", None) if user.is_authenticated else None


def is_verified_staff(user: Any) -> bool:
    """Signed in, holding a staff role, and past the second factor this session."""
    return bool(
        user.is_authenticated and getattr(user, "is_verified", lambda: False)() and user.roles
    )


def requires(capability: Capability) -> Callable:
    """Declare the one capability a staff view needs."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            gate = second_factor_gate(request)
            if gate is not None:
                return gate
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # read by the authorization matrix test
        return wrapped

    return decorator


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any verified staff member (pages that show only the user's own scope)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gate = second_factor_gate(request)
        if gate is not None:
            return gate
        if not request.user.roles:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def second_factor_gate(request: HttpRequest) -> HttpResponse | None:
    """Send the user to sign in, or to their second factor, if they are not through."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if portal_role(user) is not None:
        raise PermissionDenied  # a portal session never reaches staff pages
    if not user.is_verified():
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "core:two_factor_verify" if has_device else "core:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
    return None
