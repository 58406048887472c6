"""Starting an IPT episode from the client's clinical tab."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rapport.ipt.models import Episode
from tests.browser.harness import click, expect_path, sign_in
from tests.factories import make_client

pytestmark = pytest.mark.browser


def test_it_starts_an_episode_and_shows_the_initial_phase(
    page: Page, cast: SimpleNamespace
) -> None:
    newcomer = make_client(cast.clinic, cast.therapist, given_name="Noa", family_name="Newcomer")
    sign_in(page, cast.therapist)
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("link", name="Noa Newcomer"))
    click(page, page.get_by_role("link", name="Clinical", exact=True))
    expect(page.get_by_text("No IPT episode yet.")).to_be_visible()
    click(page, page.get_by_role("link", name="Start an IPT episode"))
    expect_path(page, "ipt:episode_start", newcomer.public_id)

    page.get_by_label("Baseline PHQ-9").fill("31")
    click(page, page.get_by_role("button", name="Review and start"))
    expect(page.get_by_role("alert")).to_contain_text("less than or equal to 27")
    assert not Episode.objects.filter(client=newcomer).exists()

    page.get_by_label("Baseline PHQ-9").fill("17")
    click(page, page.get_by_role("button", name="Review and start"))
    # The manual's defaults are shown before anything is created.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start an episode of")
    assert not Episode.objects.filter(client=newcomer).exists()
    click(page, page.get_by_role("button", name="Start episode"))
    episode = Episode.objects.get(client=newcomer)
    expect_path(page, "ipt:episode", episode.public_id)
    expect(page.get_by_role("heading", level=1)).to_have_text("IPT episode")
    expect(page.get_by_text("Initial phase", exact=True).first).to_be_visible()
    expect(page.get_by_text("0 of 9 initial-phase tasks done")).to_be_visible()
