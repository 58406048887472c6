"""The initial phase in the browser: checklist, formulation with suggestions, contract."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt import catalogue, services
from rapport.ipt.models import ClosenessRating, Contract, Episode, InventoryPerson, TimelineEvent
from tests.browser.harness import audit, click, confirm, expect_path, sign_in, visit, watched

pytestmark = pytest.mark.browser


def _inventory_with_a_dispute(cast: SimpleNamespace) -> None:
    # The inventory pages are built elsewhere; the data is what matters here.
    sam = InventoryPerson.objects.create(
        episode=cast.episode,
        name="Sam",
        relationship=InventoryPerson.Relationship.PARTNER,
        reciprocity=InventoryPerson.Reciprocity.NON_RECIPROCAL,
    )
    ClosenessRating.objects.create(
        person=sam, ring=1, rated_on=cast.episode.started_on, rated_by=cast.therapist
    )


def _open_the_episode(page: Page, cast: SimpleNamespace) -> None:
    sign_in(page, cast.therapist)
    click(page, page.get_by_role("link", name=cast.client.display_name).first)
    tabs = page.get_by_role("navigation", name="Client record")
    click(page, tabs.get_by_role("link", name="Clinical"))
    click(page, page.get_by_role("link", name=re.compile(r"^Acute — started")))
    expect_path(page, "ipt:episode", cast.episode.public_id)


def _tab(page: Page, name: str) -> None:
    click(page, page.get_by_role("navigation", name="Episode").get_by_role("link", name=name))


def test_it_walks_the_initial_phase_from_checklist_to_acknowledged_contract(
    page: Page, cast: SimpleNamespace
) -> None:
    _inventory_with_a_dispute(cast)
    _open_the_episode(page, cast)

    # The checklist: one task saved in place, another task's typing kept.
    _tab(page, "Initial phase")
    expect(page.get_by_text("0 of 9 initial-phase tasks done")).to_be_visible()
    page.get_by_label("Note on Psychoeducation").fill("Half-typed, not saved yet.")
    diagnosis = page.locator("#task-diagnosis")
    diagnosis.get_by_label("Done: Diagnosis and severity").check()
    diagnosis.get_by_label("Note on Diagnosis and severity").fill("PHQ-9 of 14; moderate.")
    diagnosis.get_by_role("button", name="Save Diagnosis and severity").click()
    saved = page.locator("#task-diagnosis")
    expect(saved.get_by_role("status")).to_have_text("Saved: Diagnosis and severity.")
    expect(page.get_by_text("1 of 9 initial-phase tasks done")).to_be_visible()
    expect(saved.get_by_label("Note on Diagnosis and severity")).to_have_value(
        "PHQ-9 of 14; moderate."
    )
    expect(page.get_by_label("Note on Psychoeducation")).to_have_value("Half-typed, not saved yet.")
    audit(page)
    assert cast.episode.tasks.get(code="diagnosis").done

    # The formulation: a suggestion with its reason, then the therapist's own choice.
    _tab(page, "Formulation")
    suggestions = page.get_by_role("region", name="Suggested problem areas")
    expect(suggestions.get_by_role("heading", name="Role dispute")).to_be_visible()
    expect(suggestions).to_contain_text(
        "Expectations with Sam (partner or spouse) are not reciprocal."
    )
    expect(page.get_by_label("Primary problem area")).to_have_value("")
    page.get_by_label("Primary problem area").select_option(label="Role dispute")
    page.get_by_label("Interpersonal formulation").fill(
        "The low mood began as the arguments with Sam about moving stalled."
    )
    click(page, page.get_by_role("button", name="Save formulation"))
    expect(page.get_by_role("status")).to_have_text("Formulation saved.")
    goal = page.get_by_label("Role dispute goal 1", exact=True)
    expect(goal).to_have_value("Identify the disagreement.")
    goal.fill("Name what she and Sam each expect about the move.")
    click(page, page.get_by_role("button", name="Save goal Role dispute goal 1"))
    expect(page.get_by_label("Role dispute goal 1", exact=True)).to_have_value(
        "Name what she and Sam each expect about the move."
    )

    # The contract: the default of 12 with its reason, then an extension.
    _tab(page, "Contract")
    click(page, page.get_by_role("link", name="Agree the initial contract"))
    expect(page.get_by_label("Planned sessions")).to_have_value("12")
    expect(page.get_by_text("No baseline PHQ-9 is recorded")).to_be_visible()
    click(page, page.get_by_role("button", name="Agree contract"))
    expect_path(page, "ipt:contract", cast.episode.public_id)
    expect(page.get_by_role("heading", name="Contract in force: version 1")).to_be_visible()

    click(page, page.get_by_role("link", name="Renegotiate"))
    page.get_by_label("Extension").check()
    page.get_by_label("Planned sessions").fill("14")
    page.get_by_label("Reason for the change").fill("Agreed: the dispute needs two more weeks.")
    click(page, page.get_by_role("button", name="Record the new version"))
    expect(page.get_by_role("heading", name="Contract in force: version 2")).to_be_visible()
    history = page.get_by_role("table", name="Contract versions, newest first")
    expect(history.get_by_role("row")).to_have_count(3)
    expect(history.get_by_role("row").nth(1)).to_contain_text("Extension")
    expect(history.get_by_role("row").nth(2)).to_contain_text("Initial contract")

    confirm(page, page.get_by_role("button", name="Record acknowledgement in person"))
    expect(page.get_by_text(re.compile(r"^Acknowledged in person on"))).to_be_visible()
    current = Contract.objects.get(episode=cast.episode, version=2)
    assert current.acknowledged_how == Contract.Acknowledgement.IN_PERSON


def test_it_saves_each_of_the_nine_tasks_in_place_with_javascript_on(
    page: Page, cast: SimpleNamespace
) -> None:
    # What each task's facts count: the inventory, the timeline, the problem area's goals.
    _inventory_with_a_dispute(cast)
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=cast.episode.started_on, title="Moved in with Sam"
    )
    Episode.objects.filter(pk=cast.episode.pk).update(primary_problem_area="role_dispute")
    cast.episode.refresh_from_db()
    services.prefill_goals(cast.episode, "role_dispute")
    _open_the_episode(page, cast)
    _tab(page, "Initial phase")
    loads = len(watched(page).loads)

    for done, task in enumerate(catalogue.INITIAL_TASKS, start=1):
        label = str(task.label)
        item = page.locator(f"#task-{task.code}")
        item.get_by_label(f"Done: {label}").check()
        item.get_by_label(f"Note on {label}").fill(f"Covered: {label}.")
        item.get_by_role("button", name=f"Save {label}").click()
        expect(item.get_by_role("status")).to_have_text(f"Saved: {label}.")
        expect(item.get_by_role("heading", name=label)).to_contain_text("Done")
        expect(page.get_by_text(f"{done} of 9 initial-phase tasks done")).to_be_visible()
    # Every save swapped its task in place: no page was loaded, and the facts stayed.
    assert len(watched(page).loads) == loads
    expect(page.get_by_text("1 person in the inventory.")).to_be_visible()
    expect(page.get_by_text("1 event on the timeline.")).to_be_visible()
    expect(page.get_by_text("Primary: Role dispute. 3 goals, 0 achieved.")).to_be_visible()
    audit(page)

    visit(page, reverse("ipt:initial_phase", args=[cast.episode.public_id]))
    expect(page.get_by_text("9 of 9 initial-phase tasks done")).to_be_visible()
    for task in catalogue.INITIAL_TASKS:
        label = str(task.label)
        expect(page.get_by_label(f"Done: {label}")).to_be_checked()
        expect(page.get_by_label(f"Note on {label}")).to_have_value(f"Covered: {label}.")
    rows = {row.code: row for row in cast.episode.tasks.all()}
    for task in catalogue.INITIAL_TASKS:
        assert rows[task.code].done
        assert rows[task.code].note == f"Covered: {task.label}."
        assert rows[task.code].completed_by == cast.therapist


def test_a_supervisor_reads_the_initial_phase_without_edit_controls(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.supervisor)
    visit(page, reverse("ipt:initial_phase", args=[cast.episode.public_id]))
    expect(page.get_by_role("heading", name="Diagnosis and severity")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    _tab(page, "Formulation")
    expect(page.get_by_role("button")).to_have_count(1)  # only "Sign out"
