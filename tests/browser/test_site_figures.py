"""Site figures without cookies: a visitor's visit and form start reach the admin's page."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.intake.models import SiteFigure
from tests.browser.harness import click, sign_in, visit

pytestmark = pytest.mark.browser


def test_a_visit_and_a_form_start_are_counted_without_a_cookie(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    visitor = new_page()
    visit(visitor, "/")
    visit(visitor, reverse("intake:consultation"))
    name = visitor.get_by_label("Your name")
    with visitor.expect_request(lambda r: "form-started" in r.url) as beacon:
        name.press_sequentially("Ada")  # the first keystroke sends it, once
    assert beacon.value.response().status == 204
    assert SiteFigure.objects.get(page="consultation").starts == 1
    cookies = {c["name"] for c in visitor.context.cookies()}
    assert cookies <= {"csrftoken"}  # the form's own token; nothing to count visitors by

    admin = new_page()
    sign_in(admin, cast.admin)
    visit(admin, reverse("intake:page_list"))
    click(
        admin, admin.get_by_role("link", name="Site figures: visits and requests, without cookies")
    )
    figures = admin.get_by_role("table", name="By page")
    expect(figures.get_by_role("row", name="/ 1 0 0")).to_be_visible()
    expect(figures.get_by_role("row", name="/consultation/ 1 1 0")).to_be_visible()
