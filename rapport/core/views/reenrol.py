"""Completing an admin-started second-factor reset from the e-mailed link.

The old authenticator keeps working until this page succeeds; then it and the
recovery codes are replaced in one transaction. The link's token moves into the
session at once (as ``set_password`` does) so it does not linger in URLs or logs.
"""

from __future__ import annotations

import base64
import secrets
import time

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core import audit, duties
from rapport.core.forms import ReenrolForm
from rapport.core.models import AuditEvent, RecoveryCodeDevice, SecondFactorReset
from rapport.core.outbox import queue_email
from rapport.core.views.auth import _new_recovery_codes, _qr_data_uri

SESSION_LINK = "rapport.reenrol_token"
SESSION_NEW_DEVICE = "rapport.reenrol_key"  # the new authenticator's key, until confirmed
IN_SESSION = "set"
FAILED = "core.two_factor.reenrol_failed"
MAX_FAILURES = 5  # wrong passwords or codes before the link stops working


@sensitive_post_parameters("password", "token")
def second_factor_reenrol(request: HttpRequest, token: str) -> HttpResponse:
    if token != IN_SESSION:
        if duties.open_reset(token) is None:
            return _invalid(request)
        request.session[SESSION_LINK] = token
        request.session.pop(SESSION_NEW_DEVICE, None)
        return redirect("core:second_factor_reenrol", token=IN_SESSION)
    reset = duties.open_reset(request.session.get(SESSION_LINK, ""))
    if reset is None:
        return _invalid(request)
    key = request.session.setdefault(SESSION_NEW_DEVICE, secrets.token_hex(20))
    form = ReenrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        last_t = _check(reset, form, key)
        if last_t is not None:
            codes = _complete(request, reset, key, last_t)
            return render(
                request,
                "core/recovery_codes.html",
                {"codes": codes, "next": reverse("core:login")},
            )
        if _failed(request, reset) >= MAX_FAILURES:
            reset.retired_at = timezone.now()
            reset.save(update_fields=["retired_at"])
            return _invalid(request)
    return _page(request, reset, form, key)


def _check(reset: SecondFactorReset, form: ReenrolForm, key: str) -> int | None:
    """The TOTP time step the code matched, when password and code are both right."""
    if not reset.member.check_password(form.cleaned_data["password"]):
        form.add_error("password", _("That password is not right."))
        return None
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    try:
        matched = totp.verify(int(form.cleaned_data["token"]), tolerance=1)
    except ValueError:
        matched = False
    if not matched:
        form.add_error("token", _("That code did not match. Check the time on your phone."))
        return None
    return totp.t()


@transaction.atomic
def _complete(request: HttpRequest, reset: SecondFactorReset, key: str, last_t: int) -> list[str]:
    member = reset.member
    TOTPDevice.objects.filter(user=member).delete()
    RecoveryCodeDevice.objects.filter(user=member).delete()
    TOTPDevice.objects.create(
        user=member, name=_("Authenticator app"), confirmed=True, key=key, last_t=last_t
    )
    codes = _new_recovery_codes(member)
    reset.completed_at = timezone.now()
    reset.save(update_fields=["completed_at"])
    duties.retire_resets(member)
    for name in (SESSION_LINK, SESSION_NEW_DEVICE):
        request.session.pop(name, None)
    audit.record(request, "core.two_factor.reenrolled", member, actor=member)
    queue_email("core/emails/two_factor_enabled", to=member.email, clinic=member.clinic)
    messages.success(request, _("Your new authenticator app is set up. Sign in with it now."))
    return codes


def _failed(request: HttpRequest, reset: SecondFactorReset) -> int:
    member = reset.member
    audit.record(request, FAILED, member, actor=member)
    return AuditEvent.objects.filter(
        action=FAILED, object_id=str(member.public_id), at__gte=reset.created_at
    ).count()


def _page(
    request: HttpRequest, reset: SecondFactorReset, form: ReenrolForm, key: str
) -> HttpResponse:
    device = TOTPDevice(user=reset.member, key=key, name="")  # never saved: only shown
    text = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/second_factor_reenrol.html",
        {
            "form": form,
            "secret": " ".join(text[i : i + 4] for i in range(0, len(text), 4)),
            "qr_data_uri": _qr_data_uri(device.config_url),
        },
    )


def _invalid(request: HttpRequest) -> HttpResponse:
    for name in (SESSION_LINK, SESSION_NEW_DEVICE):
        request.session.pop(name, None)
    return render(request, "core/second_factor_reenrol_invalid.html", status=400)
