"""Ending a course of IPT in the browser: checklist, maintenance plan, closing; the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.ipt import catalogue
from rapport.ipt.models import Contract, Episode, MaintenancePlan, SessionNote
from tests.browser.harness import audit, click, confirm, expect_path, sign_in, visit, watched
from tests.factories import make_client, make_episode, make_note

pytestmark = pytest.mark.browser


def episode_at_session_ten(cast: SimpleNamespace) -> Episode:
    """A 12-session contract with 9 attended, signed sessions: session 10 is termination."""
    client = make_client(cast.clinic, cast.therapist, given_name="Nadia", family_name="Ending")
    today = timezone.localdate()
    episode = make_episode(client, started_on=today - timedelta(weeks=9))
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=12,
        start_on=episode.started_on,
        expected_end_on=episode.started_on + timedelta(weeks=11),
        created_by=cast.therapist,
    )
    for number in range(1, 10):
        make_note(
            episode,
            number,
            held_on=episode.started_on + timedelta(weeks=number - 1),
            status=SessionNote.Status.SIGNED,
        )
    return episode


def test_it_ends_a_course_with_a_plan_and_closes_it(page: Page, cast: SimpleNamespace) -> None:
    episode = episode_at_session_ten(cast)
    sign_in(page, cast.therapist)
    ending = page.get_by_role("region", name="Contracts nearing their end")
    click(page, ending.get_by_role("link", name="Nadia Ending"))
    expect_path(page, "ipt:termination", episode.public_id)
    expect(page.get_by_text("Session 10 of 12: termination begins at session 10.")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Episode")
    expect(tabs.get_by_role("link", name="Termination")).to_have_attribute("aria-current", "page")

    for task in catalogue.TERMINATION_TASKS:
        save_task(page, task)
    expect(page.get_by_text("7 of 7 termination tasks done")).to_be_visible()
    audit(page)

    click(page, page.get_by_role("link", name="Write the maintenance plan"))
    expect_path(page, "ipt:maintenance_plan", episode.public_id)
    expect(page.get_by_label("Maintenance sessions")).to_be_checked()
    expect(page.get_by_label("Frequency")).to_have_value("monthly")
    expect(page.get_by_label("Planned sessions")).to_have_value("12")
    page.get_by_label("Gains, in the client's words").fill("I ask my brother for help now.")
    page.get_by_label("Early warning signs").fill("Skipping meals; staying in.")
    page.get_by_label("What helps").fill("A walk and a phone call.")
    page.get_by_label("People to turn to").fill("My brother; my GP.")
    click(page, page.get_by_role("button", name="Save the plan"))
    expect_path(page, "ipt:termination", episode.public_id)
    plan = page.get_by_role("region", name="Maintenance plan")
    expect(plan.get_by_text("I ask my brother for help now.")).to_be_visible()
    expect(plan.get_by_text("12 sessions, monthly")).to_be_visible()

    click(page, page.get_by_role("link", name="Close the episode"))
    expect_path(page, "ipt:episode_close", episode.public_id)
    page.get_by_label("Completed (termination tasks done)").check()
    page.get_by_label("Start the maintenance episode now").uncheck()
    confirm(
        page,
        page.get_by_role("button", name="Close the episode"),
        "Close this episode? A closed episode cannot be changed.",
    )

    expect_path(page, "ipt:termination", episode.public_id)
    expect(page.get_by_role("status")).to_have_text("Episode closed.")
    closed = page.get_by_role("region", name="Episode closed")
    expect(closed.get_by_text("Completed (termination tasks done)")).to_be_visible()
    expect(
        page.get_by_role("region", name="Maintenance plan").get_by_text("My brother; my GP.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    expect(page.locator("#task-review_gains")).to_contain_text("Covered: review_gains")
    episode.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED
    assert MaintenancePlan.objects.get(episode=episode).decision == "maintenance"


def save_task(page: Page, task: catalogue.Task) -> None:
    """Tick one task with a note and save it in place (htmx): its status says so."""
    label = str(task.label)
    item = page.locator(f"#task-{task.code}")
    item.get_by_label(f"Done: {label}").check()
    item.get_by_label(f"Note on {label}").fill(f"Covered: {task.code}")
    item.get_by_role("button", name=f"Save {label}").click()
    expect(item.get_by_role("status")).to_have_text(f"Saved: {label}.")
    expect(item.get_by_role("heading", name=label)).to_contain_text("Done")


def test_it_saves_each_termination_task_with_javascript_on(
    page: Page, cast: SimpleNamespace
) -> None:
    episode = episode_at_session_ten(cast)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:termination", args=[episode.public_id]))
    loads = len(watched(page).loads)
    closing = page.get_by_role("region", name="Closing the episode")
    expect(closing.get_by_role("listitem")).to_have_count(8)
    page.get_by_label("Note on Remaining goals").fill("Half-typed, not saved yet.")

    for done, task in enumerate(catalogue.TERMINATION_TASKS, start=1):
        save_task(page, task)
        # The progress and the closing panel follow each save (out of band).
        expect(page.get_by_text(f"{done} of 7 termination tasks done")).to_be_visible()
        expect(closing.get_by_role("listitem")).to_have_count(8 - done)
        expect(closing).not_to_contain_text(f"tick “{task.label}”")
        if task.code == "coping_supports":
            # Typing in a task not yet saved stays as it was.
            expect(page.get_by_label("Note on Remaining goals")).to_have_value(
                "Half-typed, not saved yet."
            )
    # Every save swapped its task in place: no page was loaded.
    assert len(watched(page).loads) == loads
    # Nothing is left to tick before closing: only the plan is still to write.
    expect(closing.get_by_role("listitem")).to_have_text(["write the maintenance plan"])
    audit(page)

    # Focus stays on the button pressed, so the keyboard carries on from there.
    last = catalogue.TERMINATION_TASKS[-1]
    item = page.locator(f"#task-{last.code}")
    item.get_by_label(f"Note on {last.label}").fill("Keyboard only.")
    item.get_by_role("button", name=f"Save {last.label}").focus()
    item.evaluate("element => element.setAttribute('data-before-save', '')")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.keyboard.press("Enter")
    expect(page.locator("[data-before-save]")).to_have_count(0)  # the task was swapped
    expect(item.get_by_role("status")).to_have_text(f"Saved: {last.label}.")
    expect(item.get_by_role("button", name=f"Save {last.label}")).to_be_focused()
    assert len(watched(page).loads) == loads

    visit(page, reverse("ipt:termination", args=[episode.public_id]))
    expect(page.get_by_text("7 of 7 termination tasks done")).to_be_visible()
    for task in catalogue.TERMINATION_TASKS:
        label = str(task.label)
        note = "Keyboard only." if task == last else f"Covered: {task.code}"
        expect(page.get_by_label(f"Done: {label}")).to_be_checked()
        expect(page.get_by_label(f"Note on {label}")).to_have_value(note)
    rows = {row.code: row for row in episode.tasks.all()}
    for task in catalogue.TERMINATION_TASKS:
        assert rows[task.code].done
        assert rows[task.code].completed_by == cast.therapist
    assert rows["discuss_ending"].note == "Covered: discuss_ending"
    assert rows[last.code].note == "Keyboard only."


def test_the_dashboard_shows_the_termination_phase_and_a_draft_to_finish(
    page: Page, cast: SimpleNamespace
) -> None:
    episode = episode_at_session_ten(cast)
    make_note(episode, 10, held_on=timezone.localdate(), status=SessionNote.Status.DRAFT)
    sign_in(page, cast.therapist)

    phases = page.get_by_role("region", name="My clients by phase")
    termination = phases.locator(".phase-group").filter(
        has=page.get_by_role("heading", name="Termination")
    )
    expect(termination.get_by_role("link", name="Nadia Ending")).to_be_visible()
    # Session 10 was held (its note is still a draft): the next one is 11.
    expect(termination).to_contain_text("session 11 of 12")

    drafts = page.get_by_role("region", name="Notes to finish or sign")
    expect(drafts.get_by_role("link", name="Nadia Ending: session 10")).to_be_visible()
    click(page, phases.get_by_role("link", name="Nadia Ending"))
    expect_path(page, "ipt:episode", episode.public_id)
