"""Signing in and out of the portal, and its home page."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from sesame.utils import get_user

from rapport.core.access import Capability
from rapport.portal import sign_in
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import due_items
from rapport.portal.forms import SignInForm
from rapport.portal.models import PortalAccount
from rapport.scheduling.models import Appointment


def sign_in_page(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sign_in.request_link(request, form.cleaned_data["email"])
        return render(request, "portal/sign_in_sent.html")
    return render(request, "portal/sign_in.html", {"form": form})


def link(request: HttpRequest) -> HttpResponse:
    """An e-mailed link. Opening it only shows a button: mail scanners that follow
    links must not spend the single-use token; the button's POST (to the same
    address, token included) signs in."""
    if request.method != "POST":
        return render(request, "portal/link.html")
    user = get_user(request, update_last_login=False)
    account = (
        PortalAccount.objects.may_sign_in()
        .select_related("user", "clinic")
        .filter(user=user)
        .first()
        if user is not None
        else None
    )
    if account is None:
        return render(request, "portal/link_expired.html", status=400)
    sign_in.start_session(request, account)
    return redirect("portal:home")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:signed_out")


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/signed_out.html")


@portal_view(Capability.PORTAL_SHARED)
def home(request: HttpRequest) -> HttpResponse:
    """The next appointment and what is due; a guardian sees only the shared parts."""
    client = portal_client(request, Capability.PORTAL_SHARED)
    account = request.portal_account
    upcoming = (
        Appointment.objects.visible_to(request.user, Capability.PORTAL_SHARED)
        .filter(client=client, starts_at__gte=timezone.now())
        .active()
        .select_related("therapist")
        .order_by("starts_at")
        .first()
    )
    context = {
        "client_name": client.preferred_name or client.given_name,
        "guardian": account if account.is_guardian else None,
        "next_appointment": upcoming,
        "due": due_items(request, client, guardian=account.is_guardian),
    }
    return render(request, "portal/home.html", context)
