"""Issue 8, "Signed notes are snapshots", in the browser: a signed note keeps the numbers
it was signed with, however the client scores afterwards."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.measures.models import OutcomeFlag
from tests.browser.harness import confirm, navigate, sign_in, visit
from tests.ipt.snapshot_helpers import course, record_phq9

pytestmark = pytest.mark.browser

SCORES = "Scores: baseline, previous and latest"


def test_done_when_d_a_signed_note_shows_the_numbers_it_was_signed_with(
    page: Page, cast: SimpleNamespace
) -> None:
    note = course(cast, [18, 14, 10, 8])
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:note", args=[note.public_id]))
    page.get_by_label("No thoughts of self-harm").check()
    confirm(page, page.get_by_role("button", name="Sign note"))
    expect(page.get_by_role("status").first).to_contain_text("Note signed.")

    scores = page.get_by_role("table", name=SCORES)
    phq9 = scores.get_by_role("row", name="PHQ-9")
    expect(phq9.get_by_role("cell")).to_have_text(
        [
            "18 (moderately severe) session 1",
            "10 (moderate) session 3",
            "8 (mild) session 4",
            "-10 from baseline; reliable improvement; response (≥50% reduction); below caseness",
        ],
        use_inner_text=True,
    )
    expect(page.get_by_text("As recorded when the note was signed.")).to_be_visible()
    expect(page.get_by_role("note", name="Not-on-track advisory")).to_have_count(0)
    signed = scores.inner_text()

    # A new questionnaire, far worse: the outcome rule raises a not-on-track flag.
    record_phq9(cast, 24)
    assert OutcomeFlag.objects.filter(context_id=cast.episode.public_id, active=True).exists()

    navigate(page, page.reload)
    expect(phq9.get_by_role("cell").nth(2)).to_have_text("8 (mild) session 4", use_inner_text=True)
    assert scores.inner_text() == signed
    expect(page.get_by_role("note", name="Not-on-track advisory")).to_have_count(0)
    # The new score is shown apart, labelled as after signing.
    since = page.get_by_role("region", name="Since signing")
    expect(since).to_contain_text("not part of the signed record")
    expect(since).to_contain_text("PHQ-9: 24 (severe)")
