"""Clinic admins manage staff; invitations and resets go through signed, expiring links."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core.models import AuditEvent, Role, Supervision, User
from rapport.core.outbox import send_due_emails
from tests.factories import csrf_post, make_staff, signed_in

INVITE = reverse("core:staff_invite")


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.RAPPORT_BASE_URL = "https://rapport.example.org"  # links are built on it


def _deliver() -> list:
    """Run the worker's outbox job and return what it sent."""
    send_due_emails("test-worker")
    return mail.outbox


def _link_in(message) -> str:
    return re.search(r"https?://\S+/account/set-password/\S+/", message.body).group(0)


def _invite(cast: SimpleNamespace, **changes: object) -> object:
    data = {
        "first_name": "Noor",
        "last_name": "Haddad",
        "username": "noor",
        "email": "noor@clinic.example",
        "roles": [Role.THERAPIST],
    } | changes
    return csrf_post(signed_in(cast.admin), INVITE, data)


def test_an_invited_therapist_sets_a_password_and_signs_in(cast: SimpleNamespace) -> None:
    assert _invite(cast).status_code == 302
    noor = User.objects.get(username="noor")
    assert noor.clinic == cast.clinic
    assert noor.roles == {Role.THERAPIST}
    assert not noor.has_usable_password()
    [message] = _deliver()
    assert message.subject == "Your invitation to Rapport"
    assert message.to == ["noor@clinic.example"]
    assert "Riverside" in message.alternatives[0][0]
    http = HttpClient(enforce_csrf_checks=True)
    landing = http.get(_link_in(message))
    assert landing.status_code == 302  # the token leaves the URL for the session
    assert "forged" not in landing.url
    password = "a fresh and long passphrase"
    data = {"new_password1": password, "new_password2": password}
    assert csrf_post(http, landing.url, data).status_code == 302
    noor.refresh_from_db()
    assert noor.check_password(password)
    # The link works once.
    assert HttpClient().get(_link_in(message)).status_code == 400


def test_invitation_links_expire(cast: SimpleNamespace, settings) -> None:
    _invite(cast)
    [message] = _deliver()
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        assert HttpClient().get(_link_in(message)).status_code == 400


def test_the_invite_form_keeps_input_and_explains_errors(cast: SimpleNamespace) -> None:
    response = _invite(cast, username="therapist", roles=[])
    body = response.content.decode()
    assert response.status_code == 200
    assert "That username is taken." in body
    assert 'value="Noor"' in body
    assert not User.objects.filter(email="noor@clinic.example").exists()


def test_admins_make_a_supervisor(cast: SimpleNamespace) -> None:
    url = reverse("core:staff_edit", args=[cast.colleague.public_id])
    data = {
        "first_name": "Colleague",
        "last_name": "Tester",
        "email": "colleague@staff.example",
        "roles": [Role.THERAPIST, Role.SUPERVISOR],
        "supervisees": [cast.therapist.pk],
    }
    assert csrf_post(signed_in(cast.admin), url, data).status_code == 302
    assert Supervision.objects.filter(supervisor=cast.colleague, supervisee=cast.therapist).exists()
    # The new supervisor now reaches the supervisee's client.
    detail = reverse("clients:detail", args=[cast.client.public_id])
    assert signed_in(User.objects.get(pk=cast.colleague.pk)).get(detail).status_code == 200


def test_supervisees_need_the_supervisor_role(cast: SimpleNamespace) -> None:
    url = reverse("core:staff_edit", args=[cast.colleague.public_id])
    data = {
        "first_name": "C",
        "last_name": "T",
        "email": "c@staff.example",
        "roles": [Role.THERAPIST],
        "supervisees": [cast.therapist.pk],
    }
    response = csrf_post(signed_in(cast.admin), url, data)
    assert "Only supervisors supervise" in response.content.decode()


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(cast: SimpleNamespace) -> None:
    therapist_session = signed_in(cast.therapist)
    url = reverse("core:staff_toggle_active", args=[cast.therapist.public_id])
    assert csrf_post(signed_in(cast.admin), url).status_code == 302
    assert therapist_session.get(reverse("clients:list")).status_code == 302
    assert AuditEvent.objects.filter(action="core.staff.deactivated").exists()


def test_admins_cannot_deactivate_themselves(cast: SimpleNamespace) -> None:
    url = reverse("core:staff_toggle_active", args=[cast.admin.public_id])
    csrf_post(signed_in(cast.admin), url)
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_resetting_the_second_factor_e_mails_them_a_link(cast: SimpleNamespace) -> None:
    url = reverse("core:staff_reset_second_factor", args=[cast.therapist.public_id])
    assert csrf_post(signed_in(cast.admin), url).status_code == 302
    # The device stays until they re-enrol (tests/core/test_separation_of_duties.py).
    assert TOTPDevice.objects.filter(user=cast.therapist, confirmed=True).exists()
    [message] = _deliver()
    assert message.to == [cast.therapist.email]
    assert "/account/second-factor/" in message.body


def test_other_clinics_staff_do_not_exist_for_an_admin(cast: SimpleNamespace) -> None:
    elsewhere_admin = make_staff(cast.other_clinic, "otheradmin", Role.CLINIC_ADMIN)
    http = signed_in(elsewhere_admin)
    assert http.get(reverse("core:staff_edit", args=[cast.therapist.public_id])).status_code == 404
    url = reverse("core:staff_toggle_active", args=[cast.therapist.public_id])
    assert csrf_post(http, url).status_code == 404
    assert cast.therapist.username not in http.get(reverse("core:staff_list")).content.decode()


def test_forgot_password_never_reveals_whether_an_account_exists(cast: SimpleNamespace) -> None:
    url = reverse("core:forgot_password")
    known = csrf_post(HttpClient(enforce_csrf_checks=True), url, {"username": "therapist"})
    unknown = csrf_post(HttpClient(enforce_csrf_checks=True), url, {"username": "nobody"})
    assert known.content == unknown.content
    [message] = _deliver()
    assert message.to == [cast.therapist.email]
    assert "reset" in message.body


def test_the_staff_page_queries_do_not_grow_with_staff(cast: SimpleNamespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = signed_in(cast.admin)
    url = reverse("core:staff_list")
    http.get(url)
    with CaptureQueriesContext(connection) as before:
        http.get(url)
    for n in range(10):
        make_staff(cast.clinic, f"extra{n}", Role.THERAPIST, Role.SUPERVISOR)
    with CaptureQueriesContext(connection) as after:
        http.get(url)
    assert len(after) == len(before)
