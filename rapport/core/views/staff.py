"""Clinic admins manage the clinic's staff: invite, roles, deactivate, reset 2FA."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core import audit, staff
from rapport.core.access import Capability, requires
from rapport.core.forms import StaffForm, StaffInviteForm
from rapport.core.models import StaffRole, Supervision, User


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
    form = StaffForm(request.POST or None, initial=initial, clinic=member.clinic, user=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member.first_name, member.last_name, member.email = (
            data["first_name"],
            data["last_name"],
            data["email"],
        )
        member.save(update_fields=["first_name", "last_name", "email"])
        staff.set_roles(member, data["roles"], data["supervisees"])
        audit.record(request, "core.staff.updated", member, fields=form.changed_data)
        messages.success(request, _("Changes saved."))
        return redirect("core:staff_list")
    return render(request, "core/staff_form.html", {"form": form, "member": member})


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
    staff.reset_second_factor(request, member)
    messages.success(
        request,
        _("%(name)s will set up a new authenticator app at their next sign-in.") % {"name": member},
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
