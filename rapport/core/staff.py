"""Operations on staff accounts: invite, change roles, reset a lost second factor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core import audit
from rapport.core.models import RecoveryCodeDevice, Role, StaffRole, Supervision, User
from rapport.core.outbox import queue_email


def password_link(request: HttpRequest, user: User) -> str:
    """A signed link that sets a password; it expires (PASSWORD_RESET_TIMEOUT) and
    stops working once used, because the token covers the password hash."""
    token = default_token_generator.make_token(user)
    path = reverse("core:set_password", args=[user.public_id, token])
    return request.build_absolute_uri(path)


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


def reset_second_factor(request: HttpRequest, user: User) -> None:
    """The person enrols a new authenticator at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    audit.record(request, "core.staff.second_factor_reset", user)


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
