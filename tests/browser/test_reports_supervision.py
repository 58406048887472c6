"""A supervisor opens the supervisee view from the dashboard."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rapport.ipt.models import SessionNote
from tests.browser.harness import click, expect_path, sign_in
from tests.factories import make_note

pytestmark = pytest.mark.browser


def test_the_supervisor_sees_each_supervisee(page: Page, cast: SimpleNamespace) -> None:
    make_note(cast.episode, 2, status=SessionNote.Status.AWAITING_COSIGN)
    sign_in(page, cast.supervisor)
    panel = page.get_by_role("region", name="Supervision")
    click(page, panel.get_by_role("link", name="Your supervisees"))
    expect_path(page, "reports:supervision")
    therapist = page.get_by_role("region", name=cast.therapist.get_full_name())
    expect(therapist).to_contain_text(re.compile(r"Notes awaiting your co-signature\s*1"))
    expect(therapist).to_contain_text(re.compile(r"Initial phase\s*1"))
    expect(therapist.get_by_role("heading", name="Adherence self-ratings")).to_be_visible()
