"""Sign-in: password, lockout, then a second factor before any client data."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import AuditEvent, RecoveryCodeDevice
from tests.factories import PASSWORD, csrf_post, current_code, signed_in

LOGIN = reverse("core:login")
VERIFY = reverse("core:two_factor_verify")


def _password_step(user, password: str = PASSWORD, address: str = "10.0.0.1") -> HttpClient:
    http = HttpClient(enforce_csrf_checks=True, REMOTE_ADDR=address)
    response = csrf_post(http, LOGIN, {"username": user.username, "password": password})
    http.last_response = response
    return http


def test_it_asks_for_the_second_factor_after_the_password(cast: SimpleNamespace) -> None:
    http = _password_step(cast.therapist)
    assert http.last_response.status_code == 302
    assert http.last_response.url.startswith(VERIFY)
    # Password alone reaches no client data.
    detail = reverse("clients:detail", args=[cast.client.public_id])
    assert http.get(detail).url.startswith(VERIFY)


def test_it_lets_a_verified_therapist_see_their_client(cast: SimpleNamespace) -> None:
    http = _password_step(cast.therapist)
    response = csrf_post(http, VERIFY, {"token": current_code(cast.therapist)})
    assert response.status_code == 302
    page = http.get(reverse("clients:detail", args=[cast.client.public_id]))
    assert page.status_code == 200
    assert cast.client.family_name in page.content.decode()


def test_it_refuses_a_wrong_code(cast: SimpleNamespace) -> None:
    http = _password_step(cast.therapist)
    wrong = f"{(int(current_code(cast.therapist)) + 1) % 1_000_000:06d}"
    response = csrf_post(http, VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert AuditEvent.objects.filter(action="core.login.second_factor_failed").exists()


def test_it_accepts_each_recovery_code_once(cast: SimpleNamespace) -> None:
    device = RecoveryCodeDevice.objects.create(user=cast.therapist, name="codes", confirmed=True)
    codes = device.generate_codes()
    http = _password_step(cast.therapist)
    assert csrf_post(http, VERIFY, {"token": codes[0].upper()}).status_code == 302
    again = _password_step(cast.therapist)
    assert csrf_post(again, VERIFY, {"token": codes[0]}).status_code == 200
    assert device.remaining == len(codes) - 1


def test_it_stores_recovery_codes_only_as_hashes(cast: SimpleNamespace) -> None:
    device = RecoveryCodeDevice.objects.create(user=cast.therapist, name="codes", confirmed=True)
    codes = device.generate_codes()
    stored = set(device.codes.values_list("digest", flat=True))
    assert len(stored) == len(codes)
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}


def test_it_enrols_a_new_staff_member_on_first_sign_in(cast: SimpleNamespace) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=cast.intake).delete()
    http = _password_step(cast.intake)
    assert http.last_response.url.startswith(reverse("core:two_factor_setup"))
    http.get(reverse("core:two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.intake, confirmed=False)
    response = csrf_post(
        http, reverse("core:two_factor_setup"), {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert http.get(reverse("clients:list")).status_code == 200


def test_it_locks_the_account_from_that_address_after_repeated_failures(
    cast: SimpleNamespace, settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(cast.therapist, password="wrong password entirely", address="10.0.0.9")
    locked = _password_step(cast.therapist, address="10.0.0.9")
    assert locked.last_response.status_code == 429
    assert "Sign-in paused" in locked.last_response.content.decode()
    # The lock is keyed by account *and* address: the therapist elsewhere is not locked out,
    # and another account from the attacker's address is not either.
    assert _password_step(cast.therapist, address="10.0.0.2").last_response.status_code == 302
    assert _password_step(cast.colleague, address="10.0.0.9").last_response.status_code == 302


def test_it_lifts_the_lock_after_the_cool_off(cast: SimpleNamespace, settings) -> None:
    import time_machine
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(cast.therapist, password="wrong password entirely")
    assert _password_step(cast.therapist).last_response.status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME * 1.1):
        assert _password_step(cast.therapist).last_response.status_code == 302


def test_it_audits_failed_sign_ins_without_the_username(cast: SimpleNamespace) -> None:
    _password_step(cast.therapist, password="wrong password entirely")
    event = AuditEvent.objects.get(action="core.login.failed")
    assert event.address == "10.0.0.1"
    assert cast.therapist.username not in event.canonical().decode()


def test_it_signs_out_on_the_server(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    session_key = http.session.session_key
    assert csrf_post(http, reverse("core:logout")).status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    replay = HttpClient()
    replay.cookies["sessionid"] = session_key
    assert replay.get(reverse("core:dashboard")).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_it_never_redirects_off_site_after_sign_in(cast: SimpleNamespace, target: str) -> None:
    http = _password_step(cast.therapist)
    response = csrf_post(http, f"{VERIFY}?next={target}", {"token": current_code(cast.therapist)})
    assert response.url == reverse("core:dashboard")


def test_it_requires_a_csrf_token_to_sign_in(cast: SimpleNamespace) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    response = http.post(LOGIN, {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 403
