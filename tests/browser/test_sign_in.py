"""Signing in and out: password, TOTP, first enrolment, recovery codes."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from rapport.core.models import Role
from tests.browser.harness import (
    click,
    enter_code,
    expect_path,
    sign_in,
    sign_in_with_password,
    visit,
)
from tests.factories import current_code, make_staff

pytestmark = pytest.mark.browser


def test_it_signs_in_with_totp_opens_a_client_and_signs_out(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Therapist")

    caseload = page.get_by_role("region", name=re.compile("^My caseload"))
    click(page, caseload.get_by_role("link", name=cast.client.display_name))
    expect_path(page, "clients:detail", cast.client.public_id)
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.client.display_name)

    click(page, page.get_by_role("button", name="Sign out"))
    expect_path(page, "core:login")

    # The session is gone on the server, not just hidden by the page.
    visit(page, reverse("core:dashboard"))
    expect_path(page, "core:login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_it_enrols_a_new_authenticator_and_accepts_each_recovery_code_once(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    newcomer = make_staff(cast.clinic, "newcomer", Role.THERAPIST)
    TOTPDevice.objects.filter(user=newcomer).delete()

    page = new_page()
    sign_in_with_password(page, newcomer)
    expect_path(page, "core:two_factor_setup")
    key = page.locator("code.secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(key)):06d}"
    page.get_by_label("Code").fill(code)
    click(page, page.get_by_role("button", name="Turn on two-step sign-in"))

    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", recovery_code), recovery_code
    click(page, page.get_by_role("link", name="I have saved them, continue"))
    expect_path(page, "core:dashboard")

    # Another device: the recovery code stands in for the authenticator, once.
    second = new_page()
    sign_in_with_password(second, newcomer)
    enter_code(second, recovery_code)
    expect_path(second, "core:dashboard")
    expect(second.get_by_role("status")).to_contain_text("You used a recovery code; 9 remain.")

    third = new_page()
    sign_in_with_password(third, newcomer)
    enter_code(third, recovery_code)
    expect_path(third, "core:two_factor_verify")
    expect(third.get_by_role("alert")).to_contain_text("That code did not match")


def test_it_refuses_a_wrong_totp_code_with_an_announced_error(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in_with_password(page, cast.therapist)
    wrong = "000000" if current_code(cast.therapist) != "000000" else "111111"
    enter_code(page, wrong)

    expect_path(page, "core:two_factor_verify")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Code: That code did not match. Check your app and try again.")
    expect(alert).to_be_focused()  # rapport.js moves focus so screen readers read it out
    expect(page.get_by_label("Code")).to_be_visible()

    # Still not through: protected pages send the user back to the code.
    visit(page, reverse("core:dashboard"))
    expect_path(page, "core:two_factor_verify")
