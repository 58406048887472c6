"""Outcome charts in the browser: the dashboard advisory, the client's and the episode's charts
with their data tables, and the note's scores — each page checked with axe."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt.models import SessionNote, TimelineEvent
from tests.browser.harness import click, sign_in, visit
from tests.factories import make_note
from tests.measures.charts_helpers import add_flag, add_series

pytestmark = pytest.mark.browser


def _course(cast: SimpleNamespace) -> None:
    """Four sessions with scores that have not moved, an event, and session 5's draft."""
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    for number in range(2, 6):
        make_note(cast.episode, number, held_on=date(2026, 9, 1) + timedelta(weeks=number - 1))
    SessionNote.objects.filter(number__lt=5).update(status=SessionNote.Status.SIGNED)
    phq9 = add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)
    add_series(cast.client, [11, 10, 10, 9], cast.episode.public_id, code="gad7")
    add_flag(phq9[-1], ["At session 4 the score has changed by -1 since baseline."])
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 9, 12), title="Argument with her sister"
    )


def test_it_shows_the_charts_tables_and_advisory_to_the_therapist(
    page: Page, cast: SimpleNamespace
) -> None:
    _course(cast)
    sign_in(page, cast.therapist)
    advisory = page.get_by_role("note", name="Not-on-track advisory")
    expect(advisory).to_contain_text("At session 4 the score has changed by -1 since baseline.")
    # The rule's version is one click away, not in the clinician's way.
    advisory.get_by_text("Which rule raised this").click()
    expect(advisory).to_contain_text("The not-on-track outcome rule, version nottrack-rule-1.")

    click(page, advisory.get_by_role("link", name=cast.client.display_name))
    expect(page.get_by_role("heading", name="Outcome measures")).to_be_visible()
    expect(page.get_by_role("img", name="PHQ-9 total over time")).to_be_visible()
    expect(page.get_by_role("img", name="GAD-7 total over time")).to_be_visible()
    table = page.get_by_role("table", name="PHQ-9 scores (data table)")
    expect(table.get_by_role("row")).to_have_count(5)
    expect(table.get_by_role("row").nth(4)).to_contain_text("-1")

    visit(page, reverse("ipt:measures", args=[cast.episode.public_id]))
    chart = page.get_by_role("img", name="PHQ-9 total over time")
    expect(chart).to_be_visible()
    expect(chart.locator("g.event")).to_have_count(1)
    legend = page.get_by_role("listitem").filter(has_text="Argument with her sister")
    expect(legend.first).to_be_visible()
    rows = page.get_by_role("table", name="GAD-7 scores (data table)").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("baseline")

    visit(page, reverse("ipt:note", args=[cast.episode.notes.get(number=5).public_id]))
    scores = page.get_by_role("table", name="Scores: baseline, previous and latest")
    expect(scores.get_by_role("row", name="PHQ-9")).to_contain_text("16")
    expect(scores.get_by_role("row", name="PHQ-9")).to_contain_text("-1 from baseline")
    expect(page.get_by_role("note", name="Not-on-track advisory")).to_be_visible()


def test_the_episode_chart_reads_by_date_with_the_phases_shaded(
    page: Page, cast: SimpleNamespace
) -> None:
    _course(cast)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:measures", args=[cast.episode.public_id]))
    chart = page.get_by_role("img", name="PHQ-9 total over time")
    # Dates along the axis with the session numbers under them, the IPT phases shaded.
    expect(chart.locator("text.tick").first).to_have_text("Sep 1")
    expect(chart.locator("text.tick-session").first).to_have_text("s1")
    expect(chart.locator("g.phase")).to_have_count(2)
    expect(chart.locator("g.phase").first).to_contain_text("Initial")
    # The baseline's label sits clear of every score, as the browser lays it out.
    label = chart.locator("text.baseline-label").evaluate(
        "e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; }"
    )
    for cx, cy in chart.locator("circle.score").evaluate_all(
        "els => els.map(e => [e.cx.baseVal.value, e.cy.baseVal.value])"
    ):
        assert not (label[0] - 4 < cx < label[2] + 4 and label[1] - 4 < cy < label[3] + 4)
