"""Operations on staff accounts: invite, change roles, reset a lost second factor.

Separation of duties (rapport.core.duties) decides which changes one admin may
make alone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from rapport.core import audit, duties
from rapport.core.models import Role, StaffRole, Supervision, User
from rapport.core.outbox import queue_email


def password_link(request: HttpRequest, user: User) -> str:
    """A signed link that sets a password; it expires (PASSWORD_RESET_TIMEOUT) and
    stops working once used, because the token covers the password hash.

    Built on RAPPORT_BASE_URL, never the request's Host header: a forged Host
    would otherwise send the person's token to someone else's server."""
    token = default_token_generator.make_token(user)
    return settings.RAPPORT_BASE_URL + reverse("core:set_password", args=[user.public_id, token])


def send_invitation(request: HttpRequest, user: User) -> None:
    queue_email(
        "core/emails/invitation",
        to=user.email,
        clinic=user.clinic,
        context={"link": password_link(request, user), "clinic_name": user.clinic.name},
    )


def send_password_reset(request: HttpRequest, user: User) -> None:
    queue_email(
        "core/emails/password_reset",
        to=user.email,
        clinic=user.clinic,
        context={"link": password_link(request, user)},
    )


@transaction.atomic
def set_roles(user: User, roles: Iterable[str], supervisees: Iterable[User] = ()) -> None:
    roles = set(roles)
    StaffRole.objects.filter(user=user).exclude(role__in=roles).delete()
    have = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    StaffRole.objects.bulk_create(StaffRole(user=user, role=role) for role in roles - have)
    wanted = {s.pk for s in supervisees} if Role.SUPERVISOR in roles else set()
    Supervision.objects.filter(supervisor=user).exclude(supervisee_id__in=wanted).delete()
    existing = set(
        Supervision.objects.filter(supervisor=user).values_list("supervisee_id", flat=True)
    )
    Supervision.objects.bulk_create(
        Supervision(supervisor=user, supervisee_id=pk) for pk in wanted - existing
    )
    user.__dict__.pop("roles", None)  # drop the cached role set


@transaction.atomic
def update_member(
    request: HttpRequest, member: User, data: dict[str, Any], changed: Iterable[str]
) -> bool:
    """Save an admin's edit of a staff member. True when the roles wait for a second
    admin's approval; raises duties.Refused (nothing saved) when none could approve."""
    roles = set(data["roles"])
    supervisees = list(data["supervisees"]) if Role.SUPERVISOR in roles else []
    pending = duties.needs_second_admin(
        duties.role_set(member),
        roles,
        duties.supervisee_set(member),
        {s.pk for s in supervisees},
    )
    if pending:
        duties.refuse_without_approver(member, request.user)
    old_email = member.email
    member.first_name, member.last_name, member.email = (
        data["first_name"],
        data["last_name"],
        data["email"],
    )
    member.save(update_fields=["first_name", "last_name", "email"])
    if old_email and old_email.lower() != member.email.lower():
        duties.notify_old_address(request, member, old_email)
    if pending:
        duties.request_grant(request, member, roles, supervisees)
    else:
        set_roles(member, roles, supervisees)
    # Roles waiting for approval are audited with the request, not as changed here.
    held = {"roles", "supervisees"} if pending else set()
    audit.record(request, "core.staff.updated", member, fields=set(changed) - held)
    return pending


def invite(request: HttpRequest, clinic: Any, data: dict[str, Any]) -> User:
    user = User.objects.create_user(
        username=data["username"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        clinic=clinic,
        password=None,  # unusable until the invitation link is followed
    )
    set_roles(user, data["roles"], data.get("supervisees", ()))
    send_invitation(request, user)
    audit.record(request, "core.staff.invited", user, fields=["roles"])
    return user
