"""Separation of duties in the browser: a second admin approves a clinical role for an
admin account, and a staff member completes a second-factor reset from the e-mailed link."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from rapport.core.models import Role, User
from rapport.core.outbox import send_due_emails
from tests.browser.harness import (
    audit,
    click,
    confirm,
    enter_code,
    expect_path,
    sign_in,
    sign_in_with_password,
    visit,
    watched,
)
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.browser


def _edit_roles(page: Page, member: User, *, add: str) -> None:
    click(page, page.get_by_role("link", name="Staff"))
    click(page, page.get_by_role("link", name=str(member), exact=True))
    page.get_by_role("checkbox", name=add, exact=True).check()
    click(page, page.get_by_role("button", name="Save"))


def test_a_second_admin_approves_a_clinical_role_for_an_admin_account(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    admin = new_page()
    sign_in(admin, cast.admin)

    # Alone, the admin cannot make a clinician an admin: the page says why.
    _edit_roles(admin, cast.colleague, add="Clinic admin")
    expect(admin.get_by_role("alert")).to_contain_text(
        "This clinic has no other admin who could approve it"
    )
    assert User.objects.get(pk=cast.colleague.pk).roles == {Role.THERAPIST}

    # With a second admin, the change waits for them.
    second = make_staff(cast.clinic, "second", Role.CLINIC_ADMIN)
    admin.get_by_role("checkbox", name="Clinic admin", exact=True).check()
    click(admin, admin.get_by_role("button", name="Save"))
    expect_path(admin, "core:staff_list")
    expect(admin.get_by_role("status")).to_contain_text("need a second admin's approval")
    click(admin, admin.get_by_role("link", name="Role approvals"))
    row = admin.get_by_role("row", name=re.compile(str(cast.colleague)))
    expect(row).to_contain_text("Another admin must approve this.")
    expect(row.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)

    other = new_page()
    sign_in(other, second)
    click(other, other.get_by_role("link", name="Staff"))
    click(other, other.get_by_role("link", name="Role approvals"))
    row = other.get_by_role("row", name=re.compile(str(cast.colleague)))
    expect(row).to_contain_text("Clinic admin, Therapist")
    confirm(other, row.get_by_role("button", name=re.compile("^Approve")))
    expect_path(other, "core:role_approvals")
    expect(other.get_by_role("status")).to_contain_text("now has the new roles")
    expect(other.get_by_text("No role changes are waiting for approval.")).to_be_visible()
    assert User.objects.get(pk=cast.colleague.pk).roles == {Role.THERAPIST, Role.CLINIC_ADMIN}


def test_a_staff_member_completes_a_second_factor_reset_from_the_link(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    admin = new_page()
    sign_in(admin, cast.admin)
    click(admin, admin.get_by_role("link", name="Staff"))
    confirm(admin, admin.get_by_role("button", name=f"Reset two-step sign-in {cast.therapist}"))
    expect(admin.get_by_role("status")).to_contain_text("keeps working until they do")

    send_due_emails("browser-test")
    [message] = mail.outbox
    link = re.search(r"https?://\S+/account/second-factor/\S+/", message.body)[0]

    # Until they follow it, the old authenticator still signs them in.
    before = new_page()
    sign_in(before, cast.therapist)

    page = new_page()
    visit(page, link)
    expect_path(page, "core:second_factor_reenrol", "set")  # the token left the address bar
    key = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(key)):06d}")
    click(page, page.get_by_role("button", name="Replace my authenticator"))
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    click(page, page.get_by_role("link", name="I have saved them, continue"))
    expect_path(page, "core:login")

    # The new authenticator and recovery codes are the ones that count now.
    device = TOTPDevice.objects.get(user=cast.therapist)
    assert base64.b32encode(device.bin_key).decode() == key
    after = new_page()
    sign_in_with_password(after, cast.therapist)
    enter_code(after, recovery_code)
    expect_path(after, "core:dashboard")

    # The link worked once: 400, and Chromium logs only that response.
    again = new_page()
    again.goto(link)
    errors = watched(again).take_errors()
    assert all("status of 400" in error for error in errors), errors
    audit(again)
    expect(again.get_by_role("heading", level=1)).to_have_text("This link no longer works")
