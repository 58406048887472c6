"""Clinic admins manage the clinic's staff: invite, roles, deactivate, reset 2FA."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core import audit, duties, staff
from rapport.core.access import Capability, requires
from rapport.core.forms import StaffForm, StaffInviteForm
from rapport.core.models import Role, RoleGrantRequest, StaffRole, Supervision, User


def _staff_of(request: HttpRequest):
    """Every account of the admin's own clinic; other clinics' staff do not exist here."""
    return User.objects.filter(clinic_id=request.user.clinic_id)


def _get_member(request: HttpRequest, public_id: uuid.UUID) -> User:
    return get_object_or_404(_staff_of(request), public_id=public_id)


@requires(Capability.MANAGE_CLINIC)
def staff_list(request: HttpRequest) -> HttpResponse:
    members = (
        _staff_of(request)
        .annotate(enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(
            Prefetch("staff_roles", queryset=StaffRole.objects.order_by("role")),
            Prefetch(
                "supervisees_links", queryset=Supervision.objects.select_related("supervisee")
            ),
        )
        .order_by("-is_active", "last_name", "first_name")
    )
    return render(request, "core/staff_list.html", {"members": members})


@requires(Capability.MANAGE_CLINIC)
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        member = staff.invite(request, request.user.clinic, form.cleaned_data)
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works for 24 hours.")
            % {"email": member.email},
        )
        return redirect("core:staff_list")
    return render(request, "core/staff_form.html", {"form": form, "inviting": True})


@requires(Capability.MANAGE_CLINIC)
def staff_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = _get_member(request, public_id)
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "roles": sorted(member.roles),
        "supervisees": [link.supervisee for link in member.supervisees_links.all()],
    }
    form = StaffForm(
        request.POST or None,
        initial=initial,
        clinic=member.clinic,
        user=member,
        editor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            pending = staff.update_member(request, member, form.cleaned_data, form.changed_data)
        except duties.Refused as refusal:
            form.add_error(None, str(refusal))
            audit.record(request, "core.staff.role_change_refused", member, fields=["roles"])
        else:
            messages.success(request, _SAVED_PENDING if pending else _("Changes saved."))
            return redirect("core:staff_list")
    elif form.refused_own_duties:
        audit.record(request, "core.staff.role_change_refused", member, fields=["roles"])
    context = {"form": form, "member": member, "own_account": member == request.user}
    return render(request, "core/staff_form.html", context)


_SAVED_PENDING = gettext_lazy(
    "Changes saved. The new roles need a second admin's approval: another admin "
    "approves or declines them under Staff → Role approvals."
)


@require_POST
@requires(Capability.MANAGE_CLINIC)
def staff_toggle_active(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = _get_member(request, public_id)
    if member == request.user:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("core:staff_list")
    member.is_active = not member.is_active
    member.save(update_fields=["is_active"])
    action = "reactivated" if member.is_active else "deactivated"
    audit.record(request, f"core.staff.{action}", member, fields=["is_active"])
    if member.is_active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": member})
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member})
    return redirect("core:staff_list")


@require_POST
@requires(Capability.MANAGE_CLINIC)
def staff_reset_second_factor(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = _get_member(request, public_id)
    try:
        duties.start_second_factor_reset(request, member)
    except duties.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _(
                "We e-mailed %(name)s a link to set up a new authenticator app. Their "
                "current one keeps working until they do."
            )
            % {"name": member},
        )
    return redirect("core:staff_list")


@require_POST
@requires(Capability.MANAGE_CLINIC)
def staff_resend_invitation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = _get_member(request, public_id)
    staff.send_invitation(request, member)
    audit.record(request, "core.staff.invitation_resent", member)
    messages.success(request, _("A new invitation is on its way."))
    return redirect("core:staff_list")


@requires(Capability.MANAGE_CLINIC)
def role_approvals(request: HttpRequest) -> HttpResponse:
    """Pending role grants of the clinic; each is decided by an admin who neither
    asked for it nor is its subject."""
    grants = list(duties.pending_grants(request.user.clinic_id))
    wanted = {pk for grant in grants for pk in grant.supervisee_ids}
    names = {user.pk: str(user) for user in _staff_of(request).filter(pk__in=wanted)}
    for grant in grants:
        grant.role_labels = [Role(role).label for role in grant.roles]
        grant.supervisee_names = [names[pk] for pk in grant.supervisee_ids if pk in names]
        grant.may_approve = request.user.pk not in (grant.requested_by_id, grant.member_id)
    return render(request, "core/role_approvals.html", {"grants": grants})


@require_POST
@requires(Capability.MANAGE_CLINIC)
def role_approval_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    grant = get_object_or_404(
        RoleGrantRequest.objects.filter(clinic_id=request.user.clinic_id).select_related("member"),
        public_id=public_id,
    )
    approve = request.POST.get("decision") == "approve"
    try:
        duties.decide(request, grant, approve=approve)
    except duties.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        done = (
            _("%(name)s now has the new roles.")
            if approve
            else _("Declined: %(name)s keeps their roles.")
        )
        messages.success(request, done % {"name": grant.member})
    return redirect("core:role_approvals")
