"""Sign-in: password (Argon2, lockout by django-axes), then TOTP or a recovery code."""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core import audit, ratelimit, staff
from rapport.core.access import portal_role, staff_required
from rapport.core.forms import ForgotPasswordForm, TokenForm
from rapport.core.models import RecoveryCodeDevice, User
from rapport.core.net import client_address
from rapport.core.outbox import queue_email


def staff_step(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A step of the staff sign-in: a portal session has no second factor here (403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if portal_role(request.user) is not None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:dashboard")


class PasswordLoginView(LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form) -> HttpResponse:
        auth_login(self.request, form.get_user())
        has_totp = TOTPDevice.objects.filter(user=form.get_user(), confirmed=True).exists()
        step = "core:two_factor_verify" if has_totp else "core:two_factor_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': _next_url(self.request)})}")


@sensitive_post_parameters("token")
@staff_step
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("core:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            audit.record(request, "core.login.second_factor_ok", fields=[device.__class__.__name__])
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    _("You used a recovery code; %(n)d remain. Create new ones if you are low.")
                    % {"n": device.remaining},
                )
            return redirect(_next_url(request))
        audit.record(request, "core.login.second_factor_failed")
        form.add_error("token", _("That code did not match. Check your app and try again."))
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@sensitive_post_parameters("token")
@staff_step
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("core:two_factor_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _("Authenticator app")}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            django_otp.login(request, device)
            audit.record(request, "core.two_factor.enrolled", user)
            if user.email:
                queue_email("core/emails/two_factor_enabled", to=user.email, clinic=user.clinic)
            return render(
                request, "core/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error("token", _("That code did not match. Check the time on your phone."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_data_uri": _qr_data_uri(device.config_url),
            "next": _next_url(request),
        },
    )


@staff_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes remain; POST replaces them all (shown once)."""
    if request.method != "POST":
        device = RecoveryCodeDevice.objects.filter(user=request.user).first()
        return render(
            request,
            "core/recovery_codes_manage.html",
            {"remaining": device.remaining if device else 0},
        )
    codes = _new_recovery_codes(request.user)
    audit.record(request, "core.two_factor.recovery_codes_replaced", request.user)
    return render(
        request, "core/recovery_codes.html", {"codes": codes, "next": reverse("core:dashboard")}
    )


def _new_recovery_codes(user) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": _("Recovery codes"), "confirmed": True}
    )
    return device.generate_codes()


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_POST
def session_ping(request: HttpRequest) -> HttpResponse:
    """The page reports that its user is typing or clicking: not idle (see rapport.js)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


RESET_SESSION_KEY = "rapport.password_token"
TOKEN_IN_SESSION = "set"  # noqa: S105  (URL placeholder; the real token sits in the session)


RESET_REQUESTED = "core.password.reset_requested"
RESETS_PER_ACCOUNT = 3
RESETS_PER_ADDRESS = 10
RESET_WINDOW = timedelta(hours=1)


def forgot_password(request: HttpRequest) -> HttpResponse:
    """Always the same answer, so the form does not reveal which accounts exist,
    nor whether a limit held the e-mail back."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _reset_if_allowed(request, form.cleaned_data["username"])
        return render(request, "core/forgot_password_sent.html")
    return render(request, "core/forgot_password.html", {"form": form})


def _reset_if_allowed(request: HttpRequest, username: str) -> None:
    """Send a reset link within the limits: per caller address and per account.
    Each counted request is an audit row (rapport.core.ratelimit); refused ones are
    not recorded, so a flood cannot grow the log past the limits."""
    address = client_address(request)
    if address is not None and not ratelimit.under_limit(
        RESET_REQUESTED, RESETS_PER_ADDRESS, RESET_WINDOW, address=address
    ):
        return
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not user.email:
        audit.record(request, RESET_REQUESTED, object_type="core.user")  # counts the address
        return
    if ratelimit.under_limit(
        RESET_REQUESTED, RESETS_PER_ACCOUNT, RESET_WINDOW, object_id=str(user.public_id)
    ):
        staff.send_password_reset(request, user)
        audit.record(request, RESET_REQUESTED, user, actor=user)


@sensitive_post_parameters("new_password1", "new_password2")
def set_password(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    """Follow an invitation or reset link. The token moves into the session at once
    (as Django's own reset view does) so it does not linger in URLs and logs."""
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if token != TOKEN_IN_SESSION:
        if user is not None and default_token_generator.check_token(user, token):
            request.session[RESET_SESSION_KEY] = token
            return redirect("core:set_password", public_id=public_id, token=TOKEN_IN_SESSION)
        return render(request, "core/set_password_invalid.html", status=400)
    token = request.session.get(RESET_SESSION_KEY, "")
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "core/set_password_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        del request.session[RESET_SESSION_KEY]
        audit.record(request, "core.password.set", user, actor=user)
        messages.success(request, _("Your password is set. Sign in with it now."))
        return redirect("core:login")
    return render(request, "core/set_password.html", {"form": form})
