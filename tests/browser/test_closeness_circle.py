"""The closeness circle in a real browser (§1.6): placing people by clicking a ring (htmx) and
with the keyboard, and a circle whose names never overlap, with the deceased and the desired
ring marked — each page checked with axe."""

from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt.models import ClosenessRating, InventoryPerson
from tests.browser.harness import audit, sign_in, visit

pytestmark = pytest.mark.browser


def _person(cast: SimpleNamespace, name: str, **fields: object) -> InventoryPerson:
    fields.setdefault("relationship", InventoryPerson.Relationship.FRIEND)
    return InventoryPerson.objects.create(episode=cast.episode, name=name, **fields)


def _ring_of(person: InventoryPerson) -> tuple[int, int | None] | None:
    rating = ClosenessRating.objects.filter(person=person, occasion="intake").first()
    return (rating.ring, rating.desired_ring) if rating else None


def test_the_therapist_places_people_by_clicking_rings(page: Page, cast: SimpleNamespace) -> None:
    maria, dad = _person(cast, "Maria"), _person(cast, "Dad", deceased=True)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:closeness_rate", args=[cast.episode.public_id, "intake"]))
    placing = page.get_by_role("region", name="Place by clicking a ring")
    # The first person not yet placed is chosen already.
    expect(placing.get_by_role("radio", name="Dad: not placed yet, deceased")).to_be_checked()

    # A click on ring 2's band (left of the centre, beyond ring 1): Dad goes to ring 2.
    ring_two = placing.get_by_role("button", name="Ring 2", exact=True)
    box = ring_two.bounding_box()
    assert box is not None
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.mouse.click(box["x"] + box["width"] * 0.06, box["y"] + box["height"] / 2)
    status = placing.get_by_role("status")
    expect(status).to_have_text("Dad placed in ring 2.")
    assert _ring_of(dad) == (2, None)
    # The page came back in place (no new document) with the next person chosen.
    expect(placing.get_by_role("radio", name="Maria: not placed yet")).to_be_checked()
    dropdowns = page.get_by_role("group", name="Dad (friend, deceased)")
    expect(dropdowns.get_by_role("combobox", name="Ring (optional)")).to_have_value("2")

    # Maria in the outer ring, where a click lands outside ring 2's disc.
    ring_three = placing.get_by_role("button", name="Ring 3 (outer)")
    box = ring_three.bounding_box()
    assert box is not None
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.05)
    expect(status).to_have_text("Maria placed in ring 3 (outer).")
    assert _ring_of(maria) == (3, None)

    # … and where the client would like her: the closest ring.
    placing.get_by_role("radio", name="Maria: ring 3 (outer)").check()
    placing.get_by_role("radio", name="where the client would like them").check()
    with page.expect_response(lambda response: response.request.method == "POST"):
        placing.get_by_role("button", name="Ring 1 (closest)").click()
    expect(status).to_have_text("Maria: the client would like them in ring 1 (closest).")
    assert _ring_of(maria) == (3, 1)
    audit(page)


def test_a_desired_ring_before_a_placement_is_refused_in_place(
    page: Page, cast: SimpleNamespace
) -> None:
    ann = _person(cast, "Ann")
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:closeness_rate", args=[cast.episode.public_id, "intake"]))
    placing = page.get_by_role("region", name="Place by clicking a ring")
    placing.get_by_role("radio", name="where the client would like them").check()
    with page.expect_response(lambda response: response.request.method == "POST"):
        placing.get_by_role("button", name="Ring 1 (closest)").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Place Ann in a ring first, then say where the client would like them."
    )
    assert _ring_of(ann) is None
    audit(page)


def test_the_keyboard_places_a_person_and_keeps_focus_on_the_ring(
    page: Page, cast: SimpleNamespace
) -> None:
    ann = _person(cast, "Ann")
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:closeness_rate", args=[cast.episode.public_id, "intake"]))
    placing = page.get_by_role("region", name="Place by clicking a ring")
    placing.get_by_role("radio", name="where the client places them now").focus()
    page.keyboard.press("Tab")  # from the choices to the rings, innermost first
    expect(placing.get_by_role("button", name="Ring 1 (closest)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(placing.get_by_role("button", name="Ring 2", exact=True)).to_be_focused()
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.keyboard.press("Enter")
    expect(placing.get_by_role("status")).to_have_text("Ann placed in ring 2.")
    assert _ring_of(ann) == (2, None)
    # Focus stays on the ring pressed, so the next placement is one key away.
    expect(placing.get_by_role("button", name="Ring 2", exact=True)).to_be_focused()
    audit(page)


def test_the_circle_marks_the_deceased_and_desired_rings_and_names_never_overlap(
    page: Page, cast: SimpleNamespace
) -> None:
    for n in range(14):
        person = _person(cast, f"Person number {n}", deceased=n == 3)
        ClosenessRating.objects.create(
            person=person,
            occasion="intake",
            ring=1 + n % 3,
            desired_ring=1 if n == 5 else None,
            rated_on=date(2026, 9, 1),
            rated_by=cast.therapist,
        )
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:closeness", args=[cast.episode.public_id]))
    circle = page.get_by_role("img", name="Closeness circle: at intake")
    expect(circle).to_be_visible()
    expect(circle.locator(".deceased-mark")).to_have_count(1)
    expect(circle.locator(".deceased-mark")).to_be_visible()
    expect(circle.locator("circle.desired")).to_be_visible()
    expect(circle.locator("line.desired-arrow")).to_be_visible()
    key = page.get_by_role("list", name="Key to the circle")
    expect(key).to_contain_text("A person who has died")
    text = page.get_by_role("list", name="Closeness circle at intake, as text")
    expect(text).to_contain_text("Person number 3 (deceased)")
    expect(text).to_contain_text("Person number 5 (would like them in ring 1)")

    # The names as the browser lays them out: no two boxes overlap.
    boxes = circle.locator("text.person-label").evaluate_all(
        "els => els.map(e => e.getBBox()).map(b => [b.x, b.y, b.x + b.width, b.y + b.height])"
    )
    assert len(boxes) == 14
    for a, b in itertools.combinations(boxes, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
