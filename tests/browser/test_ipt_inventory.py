"""The interpersonal inventory, closeness circle and timeline in a real browser (§1.6)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from rapport.ipt.models import ClosenessRating, InventoryPerson, TimelineEvent
from tests.browser.harness import click, expect_path, sign_in, visit

pytestmark = pytest.mark.browser


def _field(page: Page | Locator, label: str) -> Locator:
    """The field with exactly this label, optional or not."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optional\))?$"))


def _add_person(page: Page, fill: dict[str, str], choose: dict[str, str], tick: list[str]) -> None:
    click(page, page.get_by_role("link", name="Add a person"))
    for label, value in fill.items():
        _field(page, label).fill(value)
    for label, value in choose.items():
        _field(page, label).select_option(label=value)
    for label in tick:
        _field(page, label).check()
    click(page, page.get_by_role("button", name="Add person"))


def _place(page: Page, occasion: str, rings: dict[str, tuple[str, str]]) -> None:
    click(page, page.get_by_role("link", name=f"Place people ({occasion})"))
    for name, (ring, desired) in rings.items():
        group = page.get_by_role("group", name=name)
        _field(group, "Ring").select_option(label=ring)
        _field(group, "Where the client would like them").select_option(label=desired)
    click(page, page.get_by_role("button", name="Save the circle"))


def test_it_builds_the_inventory_circle_and_timeline_then_re_rates_at_termination(
    page: Page, cast: SimpleNamespace
) -> None:
    episode = cast.episode
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:episode", args=[episode.public_id]))
    tabs = page.get_by_role("navigation", name="Episode")
    click(page, tabs.get_by_role("link", name="Inventory"))
    expect_path(page, "ipt:inventory", episode.public_id)
    expect(tabs.get_by_role("link", name="Inventory")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="No one in the inventory yet")).to_be_visible()

    # A father who died near the onset …
    _add_person(
        page,
        fill={"Name or initials": "Dad", "Date of death": "2026-04-02"},
        choose={"Relationship": "Parent", "Support or stressor": "Mostly a support"},
        tick=["Deceased", "Change in this relationship near onset"],
    )
    expect(page.get_by_role("status")).to_have_text("Person added to the inventory.")
    # … and a partner whose expectations differ from the client's.
    _add_person(
        page,
        fill={
            "Name or initials": "Maria",
            "What the client expects of them": "Help with the children",
            "What they expect of the client": "Go back to work now",
        },
        choose={
            "Relationship": "Partner or spouse",
            "Expectations": "Non-reciprocal (expectations differ)",
            "Support or stressor": "Mostly a stressor",
        },
        tick=[],
    )
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)
    dad_row = table.get_by_role("row").filter(has_text="Dad")
    expect(dad_row).to_contain_text("Died 2026-04-02")
    expect(dad_row).to_contain_text("Linked to onset")
    maria_row = table.get_by_role("row").filter(has_text="Maria")
    expect(maria_row).to_contain_text("Non-reciprocal")
    expect(maria_row).to_contain_text("Mostly a stressor")
    expect(maria_row).to_contain_text("Not placed")

    # The closeness circle at intake.
    click(page, page.get_by_role("link", name="Closeness circle"))
    expect(page.get_by_role("heading", name="Nobody placed yet")).to_be_visible()
    _place(
        page,
        "at intake",
        {"Dad": ("Ring 1 (closest)", "Not placed"), "Maria": ("Ring 2", "Ring 1 (closest)")},
    )
    expect_path(page, "ipt:closeness", episode.public_id)
    expect(page.get_by_role("status")).to_have_text("Closeness circle saved.")
    circle = page.get_by_role("img", name="Closeness circle: at intake")
    expect(circle).to_be_visible()
    expect(circle.locator("text.person-label")).to_have_text(["Dad †", "Maria"])  # he died
    text_alternative = page.get_by_role("list", name="Closeness circle at intake, as text")
    expect(text_alternative.get_by_role("listitem")).to_have_text(
        [
            "Ring 1 (closest): Dad (deceased)",
            "Ring 2: Maria (would like them in ring 1)",
            "Ring 3 (outer): nobody",
        ]
    )
    assert ClosenessRating.objects.filter(occasion="intake").count() == 2

    # The timeline: the death, linked to Dad, marks the onset.
    click(page, page.get_by_role("navigation", name="Episode").get_by_role("link", name="Timeline"))
    expect(page.get_by_role("heading", name="No events yet")).to_be_visible()
    click(page, page.get_by_role("link", name="Add an event"))
    page.get_by_label("When").fill("2026-04-02")
    page.get_by_label("What happened").fill("Father died")
    page.get_by_label("Details").fill("Sudden; she was abroad.")
    page.get_by_role("group", name="Mood").get_by_label("Mood got worse").check()
    page.get_by_label("Onset of the current episode").check()
    page.get_by_role("group", name="People involved").get_by_label("Dad (parent)").check()
    click(page, page.get_by_role("button", name="Add event"))
    expect_path(page, "ipt:timeline", episode.public_id)
    event = page.get_by_role("listitem").filter(has_text="Father died")
    expect(event).to_contain_text("Onset")
    expect(event).to_contain_text("Mood got worse")
    expect(event.get_by_role("link", name="Dad")).to_be_visible()
    expect(page.get_by_text("Onset of the current episode: 2026-04-02.")).to_be_visible()
    saved = TimelineEvent.objects.get()
    assert saved.is_onset
    assert [person.name for person in saved.people.all()] == ["Dad"]

    # Weeks later, at termination: re-rate and compare with intake.
    click(
        page, page.get_by_role("navigation", name="Episode").get_by_role("link", name="Inventory")
    )
    click(page, page.get_by_role("link", name="Closeness circle"))
    _place(
        page,
        "at termination",
        {"Dad": ("Ring 2", "Not placed"), "Maria": ("Ring 1 (closest)", "Not placed")},
    )
    expect(
        page.get_by_role("heading", name="Compared: at intake and at termination")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Closeness circle: at intake")).to_be_visible()
    expect(page.get_by_role("img", name="Closeness circle: at termination")).to_be_visible()
    moves = page.get_by_role("table", name="Who moved closer or further away")
    expect(moves.get_by_role("row").filter(has_text="Maria")).to_contain_text("Moved closer")
    expect(moves.get_by_role("row").filter(has_text="Dad")).to_contain_text("Moved further away")
    assert InventoryPerson.objects.filter(episode=episode).count() == 2
