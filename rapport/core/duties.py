"""Separation of duties between clinic admins.

An admin runs the clinic; clinicians reach clinical records. One account holding
both would let a single person give themselves (or a colleague) access to notes,
so a change that joins them needs a second admin: one who is neither the
requester nor the member concerned. A clinic with no such admin cannot make it.

A second-factor reset is only *started* by an admin: the member completes it
from a signed, single-use link sent to the address on file (rapport.core.views.reenrol).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.models import Role, RoleGrantRequest, SecondFactorReset, StaffRole, User
from rapport.core.outbox import queue_email

CLINICAL_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR})
REENROL_SALT = "rapport.core.second-factor-reset"
REENROL_LIFETIME = timedelta(hours=24)


class Refused(Exception):
    """A change separation of duties does not allow; the message says why."""


def role_set(user: User) -> set[str]:
    """The stored roles, active or not (``User.roles`` is empty for inactive accounts)."""
    return set(StaffRole.objects.filter(user=user).values_list("role", flat=True))


def supervisee_set(user: User) -> set[int]:
    return set(user.supervisees_links.values_list("supervisee_id", flat=True))


def needs_second_admin(
    before: set[str], after: set[str], supervised_before: set[int], supervised_after: set[int]
) -> bool:
    """Whether the change gives an account holding clinic admin clinical reach it lacked:
    a clinical role added to an admin, admin added to a clinician, or new supervisees."""
    if Role.CLINIC_ADMIN not in after or not after & CLINICAL_ROLES:
        return False
    if Role.CLINIC_ADMIN not in before:
        return True
    return bool((after - before) & CLINICAL_ROLES or supervised_after - supervised_before)


def approvers(member: User, requester: User) -> QuerySet[User]:
    """Admins of the clinic who may approve: not the requester, not the member."""
    return (
        User.objects.filter(
            clinic_id=member.clinic_id, is_active=True, staff_roles__role=Role.CLINIC_ADMIN
        )
        .exclude(pk__in=[member.pk, requester.pk])
        .distinct()
    )


def refuse_without_approver(member: User, requester: User) -> None:
    if not approvers(member, requester).exists():
        raise Refused(
            _(
                "Clinic admin and a clinical role on one account need a second admin's "
                "approval, so that no one person can open clinical records to an admin "
                "account. This clinic has no other admin who could approve it, so the "
                "roles were not changed."
            )
        )


def request_grant(
    request: HttpRequest, member: User, roles: Iterable[str], supervisees: Iterable[User]
) -> RoleGrantRequest:
    """Record the change for another admin to approve; an older pending one is replaced."""
    requester = request.user
    refuse_without_approver(member, requester)
    RoleGrantRequest.objects.filter(member=member, status=RoleGrantRequest.Status.PENDING).update(
        status=RoleGrantRequest.Status.SUPERSEDED, decided_at=timezone.now()
    )
    grant = RoleGrantRequest.objects.create(
        clinic_id=member.clinic_id,
        member=member,
        requested_by=requester,
        roles_before=sorted(role_set(member)),
        roles=sorted(set(roles)),
        supervisee_ids=sorted(s.pk for s in supervisees),
    )
    audit.record(request, "core.staff.role_grant_requested", member, fields=["roles"])
    link = settings.RAPPORT_BASE_URL + reverse("core:role_approvals")
    for admin in approvers(member, requester).exclude(email=""):
        queue_email(
            "core/emails/role_approval_needed",
            to=admin.email,
            clinic=member.clinic,
            context={"clinic_name": member.clinic.name, "link": link},
        )
    return grant


def pending_grants(clinic_id: int) -> QuerySet[RoleGrantRequest]:
    return (
        RoleGrantRequest.objects.filter(clinic_id=clinic_id, status=RoleGrantRequest.Status.PENDING)
        .select_related("member", "requested_by")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def decide(request: HttpRequest, grant: RoleGrantRequest, *, approve: bool) -> None:
    """Approve (apply the roles) or decline a pending grant, as an admin other than
    the requester and the member."""
    from rapport.core.staff import set_roles  # staff imports this module

    grant = RoleGrantRequest.objects.select_for_update().get(pk=grant.pk)
    if grant.status != RoleGrantRequest.Status.PENDING:
        raise Refused(_("This request was already decided."))
    admin = request.user
    if approve and admin.pk == grant.requested_by_id:
        raise Refused(_("You asked for this change: another admin must approve it."))
    if approve and admin.pk == grant.member_id:
        raise Refused(_("This change is to your own account: another admin must approve it."))
    member = grant.member
    if approve and role_set(member) != set(grant.roles_before):
        _close(grant, admin, RoleGrantRequest.Status.SUPERSEDED)
        raise Refused(
            _("Their roles changed since this was asked, so it was not applied. Ask again.")
        )
    S = RoleGrantRequest.Status
    _close(grant, admin, S.APPROVED if approve else S.DECLINED)
    if approve:
        supervisees = User.objects.filter(clinic_id=member.clinic_id, pk__in=grant.supervisee_ids)
        set_roles(member, grant.roles, supervisees)
    verb = "approved" if approve else "declined"
    audit.record(request, f"core.staff.role_grant_{verb}", member, fields=["roles"])


def _close(grant: RoleGrantRequest, admin: User, status: str) -> None:
    grant.status, grant.decided_by, grant.decided_at = status, admin, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])


# --- E-mail changes ----------------------------------------------------------------


def notify_old_address(request: HttpRequest, member: User, old_email: str) -> None:
    """Tell the previous address: an e-mail change is the first step of a takeover."""
    queue_email(
        "core/emails/email_changed",
        to=old_email,
        clinic=member.clinic,
        context={
            "clinic_name": member.clinic.name,
            "when": timezone.now().strftime("%Y-%m-%d %H:%M"),
        },
    )
    audit.record(request, "core.staff.email_changed", member, fields=["email"])


# --- Second-factor resets ----------------------------------------------------------


@transaction.atomic
def start_second_factor_reset(request: HttpRequest, member: User) -> SecondFactorReset:
    """Send the member a re-enrolment link; their current device keeps working."""
    if not member.email:
        raise Refused(_("They have no e-mail address on file to send the link to."))
    retire_resets(member)
    reset = SecondFactorReset.objects.create(member=member, requested_by=request.user)
    queue_email(
        "core/emails/second_factor_reset",
        to=member.email,
        clinic=member.clinic,
        context={
            "clinic_name": member.clinic.name,
            "link": reenrol_link(reset),
            "hours": int(REENROL_LIFETIME.total_seconds() // 3600),
        },
    )
    audit.record(request, "core.staff.second_factor_reset_started", member)
    return reset


def retire_resets(member: User) -> None:
    SecondFactorReset.objects.filter(
        member=member, completed_at__isnull=True, retired_at__isnull=True
    ).update(retired_at=timezone.now())


def reenrol_link(reset: SecondFactorReset) -> str:
    token = signing.dumps(str(reset.public_id), salt=REENROL_SALT)
    return settings.RAPPORT_BASE_URL + reverse("core:second_factor_reenrol", args=[token])


def open_reset(token: str) -> SecondFactorReset | None:
    """The open reset a link names, if the link is genuine, unexpired and unused."""
    try:
        public_id = signing.loads(
            token, salt=REENROL_SALT, max_age=REENROL_LIFETIME.total_seconds()
        )
    except signing.BadSignature:  # also SignatureExpired
        return None
    return (
        SecondFactorReset.objects.filter(
            public_id=public_id,
            completed_at__isnull=True,
            retired_at__isnull=True,
            member__is_active=True,
        )
        .select_related("member", "member__clinic")
        .first()
    )
