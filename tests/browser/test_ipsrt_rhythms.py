"""IPSRT in the browser (issue 15 item 5, "Done when"): a client enters a week of the
Social Rhythm Metric in the portal and sees its regularity score on a chart; the
therapist sees the same week on the episode. Axe runs on every page."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.rhythms.models import RhythmWeek
from tests.browser.harness import click, sign_in, visit
from tests.browser.portal_helpers import sign_in_portal
from tests.factories import make_portal_account
from tests.rhythms.helpers import keep_rhythms

pytestmark = pytest.mark.browser

TIMES = {
    "Get out of bed": "07:00",
    "First contact with another person": "07:45",
    "Start work, housework, volunteering or child care": "09:00",
    "Dinner": "19:00",
    "Go to bed": "23:00",
}


def test_a_client_enters_a_week_of_the_srm_and_both_see_its_score_on_a_chart(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    keep_rhythms(cast.episode)

    # The client finds the diary from the portal's navigation and opens last week.
    client = new_page()
    sign_in_portal(client, live_server, make_portal_account(cast.client))
    click(
        client,
        client.get_by_role("navigation", name="Portal").get_by_role("link", name="My rhythms"),
    )
    expect(client.get_by_role("main")).to_contain_text("No weeks entered yet.")
    click(client, client.get_by_role("link", name="Last week's diary"))

    # Seven days of the SRM-5: the same times every day, except a late bedtime on day 4.
    for day in range(7):
        group = client.locator(f"#day-{day}")
        for label, time in TIMES.items():
            group.get_by_label(label, exact=True).fill(
                "01:30" if day == 3 and label == "Go to bed" else time
            )
    first = client.locator("#day-0")
    first.get_by_label("Others there").first.select_option(label="Others actively involved")
    first.get_by_role("group", name="Who").first.get_by_label("Spouse or partner").check()
    click(client, client.get_by_role("button", name="Save the week"))

    # 6 of 7 bedtimes within 45 minutes of the habitual time: (4 x 7 + 6) / 5 = 6.80.
    expect(client.locator(".messages")).to_contain_text("Your rhythm score this week: 6.80 of 7")
    chart = client.get_by_role("img", name="Your rhythm score and mood")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.srm-week")).to_have_count(1)
    expect(client.get_by_role("table", name="Rhythm score by week (data table)")).to_contain_text(
        "6.80"
    )
    assert RhythmWeek.objects.get(episode=cast.episode).score is not None

    # The therapist opens the episode's Social rhythms tab: the same score, with its workings.
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:episode", args=[cast.episode.public_id]))
    click(
        page,
        page.get_by_role("navigation", name="Episode").get_by_role("link", name="Social rhythms"),
    )
    expect(page.get_by_role("img", name="Rhythm score and mood")).to_be_visible()
    weeks = page.get_by_role("table", name="Rhythm score by week (data table)")
    expect(weeks).to_contain_text("6.80")
    click(page, weeks.get_by_role("link"))
    expect(page.get_by_role("main")).to_contain_text("Rhythm score: 6.80 of 7")
    workings = page.get_by_role("table", name="How this week's score was worked out")
    expect(workings.get_by_role("row", name="Go to bed")).to_contain_text("6")
