"""Separation of duties: no admin hands themselves (or, alone, anyone holding clinic
admin) clinical reach; e-mail changes and second-factor resets cannot quietly
hand an account over."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core.models import (
    AuditEvent,
    RecoveryCodeDevice,
    Role,
    RoleGrantRequest,
    Supervision,
    User,
)
from rapport.core.outbox import send_due_emails
from tests.factories import PASSWORD, csrf_post, make_staff, signed_in

APPROVALS = reverse("core:role_approvals")
ONE_ADMIN = "This clinic has no other admin who could approve it"


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.RAPPORT_BASE_URL = "https://rapport.example.org"


def _edit(editor: User, member: User, **changes: object):
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "roles": sorted(member.roles),
        "supervisees": [link.supervisee_id for link in member.supervisees_links.all()],
    } | changes
    return csrf_post(signed_in(editor), reverse("core:staff_edit", args=[member.public_id]), data)


def _roles(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).roles)


def _note_status(user: User, cast: SimpleNamespace) -> int:
    url = reverse("ipt:note", args=[cast.note.public_id])
    return signed_in(User.objects.get(pk=user.pk)).get(url).status_code


def _decide(admin: User, grant: RoleGrantRequest, decision: str):
    http = signed_in(admin)
    url = reverse("core:role_approval_decide", args=[grant.public_id])
    response = csrf_post(http, url, {"decision": decision})
    assert response.status_code == 302
    return http.get(response.url).content.decode()  # with the message


# --- Found 1: an admin granting itself clinical access ------------------------------


def test_it_refuses_an_admin_giving_themselves_supervision_of_every_therapist(
    cast: SimpleNamespace,
) -> None:
    make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)  # a second admin changes nothing
    therapists = [cast.therapist.pk, cast.colleague.pk]
    response = _edit(
        cast.admin,
        cast.admin,
        roles=[Role.CLINIC_ADMIN, Role.SUPERVISOR],
        supervisees=therapists,
    )
    assert response.status_code == 200
    assert "You cannot change your own roles or supervision." in response.content.decode()
    assert _roles(cast.admin) == {Role.CLINIC_ADMIN}
    assert not Supervision.objects.filter(supervisor=cast.admin).exists()
    assert not RoleGrantRequest.objects.exists()
    assert _note_status(cast.admin, cast) == 403
    assert AuditEvent.objects.filter(
        action="core.staff.role_change_refused", actor=cast.admin
    ).exists()


def test_it_refuses_an_admin_changing_who_supervises_them(cast: SimpleNamespace) -> None:
    trainee = make_staff(cast.clinic, "trainee", Role.CLINIC_ADMIN, Role.THERAPIST)
    Supervision.objects.create(supervisor=cast.supervisor, supervisee=trainee, cosigns_notes=True)
    response = _edit(trainee, cast.supervisor, supervisees=[cast.therapist.pk])
    assert "You cannot change who supervises you." in response.content.decode()
    assert Supervision.objects.filter(supervisor=cast.supervisor, supervisee=trainee).exists()


def test_it_refuses_a_clinical_role_for_an_admin_in_a_one_admin_clinic(
    cast: SimpleNamespace,
) -> None:
    response = _edit(cast.admin, cast.colleague, roles=[Role.THERAPIST, Role.CLINIC_ADMIN])
    body = response.content.decode()
    assert response.status_code == 200
    assert ONE_ADMIN in body
    assert "no one person can open clinical records to an admin account" in body
    assert _roles(cast.colleague) == {Role.THERAPIST}
    assert not RoleGrantRequest.objects.exists()
    assert AuditEvent.objects.filter(action="core.staff.role_change_refused").exists()


def test_it_refuses_when_the_only_other_admin_is_the_one_receiving_the_role(
    cast: SimpleNamespace,
) -> None:
    admin2 = make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)
    response = _edit(cast.admin, admin2, roles=[Role.CLINIC_ADMIN, Role.THERAPIST])
    assert ONE_ADMIN in response.content.decode()
    assert _roles(admin2) == {Role.CLINIC_ADMIN}


def test_a_clinical_role_for_an_admin_waits_for_a_second_admin(cast: SimpleNamespace) -> None:
    admin2 = make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)
    admin3 = make_staff(cast.clinic, "admin3", Role.CLINIC_ADMIN)
    response = _edit(
        cast.admin,
        admin2,
        roles=[Role.CLINIC_ADMIN, Role.SUPERVISOR],
        supervisees=[cast.therapist.pk],
    )
    assert response.status_code == 302
    assert _roles(admin2) == {Role.CLINIC_ADMIN}  # nothing applied yet
    assert _note_status(admin2, cast) == 403
    grant = RoleGrantRequest.objects.get(member=admin2)
    # Only the admin who may approve is asked to.
    [asked] = _deliver()
    assert asked.to == [admin3.email]
    assert asked.subject == "A staff role change waits for your approval"
    assert "https://rapport.example.org/staff/approvals/" in asked.body

    # Neither the requester nor the member may approve.
    page = signed_in(cast.admin).get(APPROVALS).content.decode()
    assert "Another admin must approve this." in page
    assert "You asked for this change" in _decide(cast.admin, grant, "approve")
    assert "This change is to your own account" in _decide(admin2, grant, "approve")
    assert _roles(admin2) == {Role.CLINIC_ADMIN}

    _decide(admin3, grant, "approve")
    assert _roles(admin2) == {Role.CLINIC_ADMIN, Role.SUPERVISOR}
    assert Supervision.objects.filter(supervisor=admin2, supervisee=cast.therapist).exists()
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (RoleGrantRequest.Status.APPROVED, admin3)
    actions = set(AuditEvent.objects.filter(object_id=str(admin2.public_id)).values_list("action"))
    assert {("core.staff.role_grant_requested",), ("core.staff.role_grant_approved",)} <= actions


def test_admin_for_a_clinician_also_needs_the_second_admin(cast: SimpleNamespace) -> None:
    admin2 = make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)
    assert _edit(cast.admin, cast.colleague, roles=[Role.THERAPIST, Role.CLINIC_ADMIN]).status_code
    assert _roles(cast.colleague) == {Role.THERAPIST}
    grant = RoleGrantRequest.objects.get(member=cast.colleague)
    assert "keeps their roles" in _decide(admin2, grant, "decline")
    assert _roles(cast.colleague) == {Role.THERAPIST}
    assert AuditEvent.objects.filter(action="core.staff.role_grant_declined").exists()


def test_a_grant_is_not_applied_over_roles_changed_since(cast: SimpleNamespace) -> None:
    admin2 = make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)
    _edit(cast.admin, cast.colleague, roles=[Role.THERAPIST, Role.CLINIC_ADMIN])
    grant = RoleGrantRequest.objects.get(member=cast.colleague)
    _edit(admin2, cast.colleague, roles=[Role.INTAKE_COORDINATOR])
    assert "Their roles changed since this was asked" in _decide(admin2, grant, "approve")
    assert _roles(cast.colleague) == {Role.INTAKE_COORDINATOR}


def test_taking_clinical_roles_away_from_an_admin_needs_no_approval(
    cast: SimpleNamespace,
) -> None:
    both = make_staff(cast.clinic, "both", Role.CLINIC_ADMIN, Role.THERAPIST)
    assert _edit(cast.admin, both, roles=[Role.CLINIC_ADMIN]).status_code == 302
    assert _roles(both) == {Role.CLINIC_ADMIN}


def test_an_invitation_cannot_start_as_admin_and_clinician(cast: SimpleNamespace) -> None:
    data = {
        "first_name": "Noor",
        "last_name": "Haddad",
        "username": "noor",
        "email": "noor@clinic.example",
        "roles": [Role.CLINIC_ADMIN, Role.THERAPIST],
    }
    response = csrf_post(signed_in(cast.admin), reverse("core:staff_invite"), data)
    assert "Invite them as clinic admin or as a clinician, not both." in response.content.decode()
    assert not User.objects.filter(username="noor").exists()


def test_only_admins_of_the_clinic_see_and_decide_grants(cast: SimpleNamespace) -> None:
    admin2 = make_staff(cast.clinic, "admin2", Role.CLINIC_ADMIN)
    _edit(cast.admin, cast.colleague, roles=[Role.THERAPIST, Role.CLINIC_ADMIN])
    grant = RoleGrantRequest.objects.get()
    url = reverse("core:role_approval_decide", args=[grant.public_id])
    assert csrf_post(signed_in(cast.therapist), url, {"decision": "approve"}).status_code == 403
    outside = make_staff(cast.other_clinic, "outsideadmin", Role.CLINIC_ADMIN)
    assert csrf_post(signed_in(outside), url, {"decision": "approve"}).status_code == 404
    assert cast.colleague.username not in signed_in(outside).get(APPROVALS).content.decode()
    assert str(cast.colleague) in signed_in(admin2).get(APPROVALS).content.decode()
    assert _roles(cast.colleague) == {Role.THERAPIST}


# --- Found 1: e-mail changes and second-factor resets -------------------------------


def _deliver() -> list:
    send_due_emails("test-worker")
    return mail.outbox


def test_changing_a_staff_email_tells_the_old_address(cast: SimpleNamespace) -> None:
    old = cast.therapist.email
    assert _edit(cast.admin, cast.therapist, email="new@elsewhere.example").status_code == 302
    [message] = _deliver()
    assert message.to == [old]
    assert message.subject == "The e-mail address of your Rapport account was changed"
    assert "Therapist" not in message.subject
    assert "Riverside" in message.body
    assert "new@elsewhere.example" not in message.body
    assert AuditEvent.objects.filter(
        action="core.staff.email_changed", object_id=str(cast.therapist.public_id)
    ).exists()


def test_saving_without_an_email_change_sends_nothing(cast: SimpleNamespace) -> None:
    _edit(cast.admin, cast.therapist, first_name="Theo")
    assert _deliver() == []


def _reset(cast: SimpleNamespace, member: User) -> str:
    url = reverse("core:staff_reset_second_factor", args=[member.public_id])
    assert csrf_post(signed_in(cast.admin), url).status_code == 302
    [message] = [m for m in _deliver() if "again" in m.subject]
    assert message.to == [member.email]
    return re.search(r"https://rapport\.example\.org(/account/second-factor/\S+/)", message.body)[1]


def _reenrol(http: HttpClient, link: str, password: str = PASSWORD, wrong_code: bool = False):
    landing = http.get(link)
    assert landing.status_code == 302  # the token leaves the URL for the session
    page = http.get(landing.url).content.decode()
    key = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")
    code = f"{totp(base64.b32decode(key)):06d}"
    if wrong_code:
        code = "000000" if code != "000000" else "111111"
    return csrf_post(http, landing.url, {"password": password, "token": code}), key


def test_a_second_factor_reset_waits_for_the_member(cast: SimpleNamespace) -> None:
    old_device = TOTPDevice.objects.get(user=cast.therapist)
    link = _reset(cast, cast.therapist)
    # Nothing changed yet: the old authenticator still signs them in.
    assert TOTPDevice.objects.filter(pk=old_device.pk, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="core.staff.second_factor_reset_started").exists()

    http = HttpClient(enforce_csrf_checks=True)
    response, key = _reenrol(http, link)
    assert response.status_code == 200
    assert "Your recovery codes" in response.content.decode()
    [device] = TOTPDevice.objects.filter(user=cast.therapist)
    assert device.pk != old_device.pk
    assert device.confirmed
    assert base64.b32encode(device.bin_key).decode() == key
    assert RecoveryCodeDevice.objects.get(user=cast.therapist).remaining == 10
    assert AuditEvent.objects.filter(
        action="core.two_factor.reenrolled", actor=cast.therapist
    ).exists()
    # The link works once.
    assert HttpClient().get(link).status_code == 400


def test_a_reset_link_without_the_password_changes_nothing(cast: SimpleNamespace) -> None:
    link = _reset(cast, cast.therapist)
    old_device = TOTPDevice.objects.get(user=cast.therapist)
    response, _key = _reenrol(HttpClient(enforce_csrf_checks=True), link, password="guess")
    assert "That password is not right." in response.content.decode()
    response, _key = _reenrol(HttpClient(enforce_csrf_checks=True), link, wrong_code=True)
    assert "That code did not match." in response.content.decode()
    [device] = TOTPDevice.objects.filter(user=cast.therapist)
    assert (device.pk, device.key) == (old_device.pk, old_device.key)


def test_a_reset_link_stops_after_repeated_wrong_passwords(cast: SimpleNamespace) -> None:
    link = _reset(cast, cast.therapist)
    http = HttpClient(enforce_csrf_checks=True)
    for _attempt in range(5):
        response, _key = _reenrol(http, link, password="guess")
    assert response.status_code == 400
    assert HttpClient().get(link).status_code == 400


def test_reset_links_expire_and_a_newer_one_replaces_the_older(cast: SimpleNamespace) -> None:
    first = _reset(cast, cast.therapist)
    mail.outbox.clear()
    second = _reset(cast, cast.therapist)
    assert HttpClient().get(first).status_code == 400
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert HttpClient().get(second).status_code == 400
    assert HttpClient().get(second).status_code == 302


def test_a_forged_reset_link_is_refused(cast: SimpleNamespace) -> None:
    url = reverse("core:second_factor_reenrol", args=["forged-token"])
    assert HttpClient().get(url).status_code == 400
