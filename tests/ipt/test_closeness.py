"""The closeness circle's SVG (§1.6): valid, accessible, CSP-safe, faithful to the rings,
and readable: people spread by angle, names that never overlap, deceased and desired marked."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.ipt.closeness import (
    OUTER,
    PICKER_SIZE,
    WIDTH,
    Person,
    height_for,
    layout,
    render_circle,
    render_picker,
    short_label,
)
from rapport.ipt.models.inventory import CLOSENESS_RINGS

SVG = "{http://www.w3.org/2000/svg}"
PEOPLE = [
    Person("Ann", 1),
    Person("Bea", 1),
    Person("Cal", 2),
    Person("Dee", 3),
    Person("Eli", 3),
    Person("Fay", 3),
]


def _render(people: list[Person], **options: str) -> ET.Element:
    svg = render_circle(
        people,
        title="Closeness at intake",
        description="Six people.",
        centre_label="Client",
        **options,
    )
    return ET.fromstring(svg)  # noqa: S314 (our own output, the thing under test)


def _labels(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "person-label"]


def _centre(count: int) -> tuple[float, float]:
    return WIDTH / 2, height_for(count) / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _assert_no_overlaps(people: list[Person]) -> None:
    placed = layout(people)
    height = height_for(len(people))
    for a, b in itertools.combinations(placed, 2):
        assert not _overlap(a.box, b.box), (a.text, b.text)
    for spot in placed:  # every name inside the picture, outside the circle
        left, top, right, bottom = spot.box
        assert left >= 0
        assert right <= WIDTH
        assert top >= 0
        assert bottom <= height
        assert right < WIDTH / 2 - OUTER or left > WIDTH / 2 + OUTER


def test_it_draws_one_circle_per_ring() -> None:
    root = _render(PEOPLE)
    rings = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "ring"]
    assert sorted(int(c.get("data-ring")) for c in rings) == list(range(1, CLOSENESS_RINGS + 1))
    radii = {int(c.get("data-ring")): float(c.get("r")) for c in rings}
    assert radii[1] < radii[2] < radii[3]


def test_it_shows_every_person_as_text_and_the_client_at_the_centre() -> None:
    root = _render(PEOPLE)
    assert sorted(_labels(root)) == ["Ann", "Bea", "Cal", "Dee", "Eli", "Fay"]
    centre = [t for t in root.iter(f"{SVG}text") if t.get("class") == "centre-label"]
    assert [t.text for t in centre] == ["Client"]
    assert float(centre[0].get("x")) == _centre(len(PEOPLE))[0]


def test_it_places_closer_rings_nearer_the_centre() -> None:
    cx, cy = _centre(len(PEOPLE))
    distance = {p.person.label: math.hypot(p.x - cx, p.y - cy) for p in layout(PEOPLE)}
    assert distance["Ann"] < distance["Cal"] < distance["Dee"]
    ring_three = [distance[n] for n in ("Dee", "Eli", "Fay")]
    assert max(ring_three) - min(ring_three) < 0.2  # coordinates are rounded to 0.1


@pytest.mark.parametrize("count", [2, 5, 20])
def test_it_spreads_people_of_one_ring_evenly_by_angle(count: int) -> None:
    people = [Person(f"P{n}", 2) for n in range(count)]
    cx, cy = _centre(count)
    angles = sorted(math.atan2(p.y - cy, p.x - cx) for p in layout(people))
    gaps = [b - a for a, b in itertools.pairwise(angles)]
    assert all(math.isclose(gap, 2 * math.pi / count, abs_tol=0.01) for gap in gaps)


def test_one_person_per_ring_lands_in_different_sectors() -> None:
    """The old layout put a lone person of each ring in the same top-right sector."""
    people = [Person("Ann", 1), Person("Cal", 2), Person("Dee", 3)]
    cx, cy = _centre(3)
    angles = sorted(math.atan2(p.y - cy, p.x - cx) for p in layout(people))
    assert min(b - a for a, b in itertools.pairwise(angles)) > math.pi / 2


@pytest.mark.parametrize("count", [1, 5, 20])
def test_no_two_names_overlap_on_one_ring(count: int) -> None:
    _assert_no_overlaps([Person(f"Person number {n}", 1) for n in range(count)])


def test_no_two_names_overlap_across_rings_with_long_names() -> None:
    people = [Person("W" * 30, 1 + n % 3, deceased=n % 4 == 0) for n in range(41)]
    _assert_no_overlaps(people)


@given(
    st.lists(
        st.tuples(st.text(max_size=30), st.integers(min_value=1, max_value=CLOSENESS_RINGS)),
        max_size=30,
    )
)
def test_names_never_overlap_for_any_circle(people: list[tuple[str, int]]) -> None:
    _assert_no_overlaps([Person(label, ring) for label, ring in people])


def test_it_marks_deceased_people_with_a_cross_and_a_dagger() -> None:
    root = _render([Person("Ann", 1), Person("Mum", 2, deceased=True)])
    groups = {g.find(f"{SVG}title").text: g for g in root.iter(f"{SVG}g")}
    assert "deceased" in groups["Mum"].get("class").split()
    assert groups["Mum"].find(f"{SVG}path").get("class") == "deceased-mark"
    assert "deceased" not in groups["Ann"].get("class").split()
    assert sorted(_labels(root)) == ["Ann", "Mum †"]


def test_it_draws_an_arrow_to_a_hollow_marker_on_the_desired_ring() -> None:
    root = _render([Person("Ann", 3, desired=1), Person("Bea", 2, desired=2)])
    desired = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "desired"]
    assert [c.get("data-ring") for c in desired] == ["1"]  # same ring: nothing to draw
    assert desired[0].get("fill") == "#ffffff"  # hollow
    arrows = [line for line in root.iter(f"{SVG}line") if line.get("class") == "desired-arrow"]
    assert len(arrows) == 1
    assert arrows[0].get("marker-end").startswith("url(#")
    ann = layout([Person("Ann", 3, desired=1), Person("Bea", 2, desired=2)])[0]
    assert (float(arrows[0].get("x1")), float(arrows[0].get("y1"))) == (ann.x, ann.y)
    cx, cy = _centre(2)  # the hollow marker sits nearer the centre, on the same ray
    hollow = (float(desired[0].get("cx")), float(desired[0].get("cy")))
    assert math.hypot(hollow[0] - cx, hollow[1] - cy) < math.hypot(ann.x - cx, ann.y - cy)
    assert math.isclose(math.atan2(hollow[1] - cy, hollow[0] - cx), ann.angle, abs_tol=0.02)


def test_it_is_named_by_its_title_and_description() -> None:
    root = _render(PEOPLE, id_prefix="intake")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "intake-title intake-desc"
    assert root.find(f"{SVG}title").get("id") == "intake-title"
    assert root.find(f"{SVG}title").text == "Closeness at intake"
    assert root.find(f"{SVG}desc").get("id") == "intake-desc"
    assert root.find(f"{SVG}desc").text == "Six people."


def test_it_uses_no_style_attribute() -> None:
    for svg in (
        render_circle(PEOPLE, title="t", description="d", centre_label="Me"),
        render_picker(PEOPLE),
    ):
        assert "style=" not in svg
        assert "<style" not in svg


def test_the_picker_is_a_fixed_square_with_the_rings() -> None:
    root = ET.fromstring(render_picker(PEOPLE))  # noqa: S314
    assert root.get("viewBox") == f"0 0 {PICKER_SIZE} {PICKER_SIZE}"
    assert root.get("aria-hidden") == "true"
    rings = {
        int(c.get("data-ring")): float(c.get("r"))
        for c in root.iter(f"{SVG}circle")
        if c.get("class") == "ring"
    }
    # rapport.css lays the ring buttons over these radii: 45%, 70% and 95% of the width.
    assert [round(200 * r / PICKER_SIZE) for _ring, r in sorted(rings.items())] == [45, 70, 95]


def test_it_escapes_labels_and_shortens_long_ones() -> None:
    root = _render([Person("<script>alert(1)</script>", 1), Person("Bartholomew Fitzgerald", 2)])
    labels = _labels(root)
    assert "<script>alert(1)</script>"[:15] + "…" in labels
    assert short_label("Bartholomew Fitzgerald") in labels
    # The full name stays available as the marker's tooltip.
    titles = [t.text for g in root.iter(f"{SVG}g") for t in g.iter(f"{SVG}title")]
    assert "Bartholomew Fitzgerald" in titles


def test_it_draws_an_empty_circle_for_nobody() -> None:
    root = _render([])
    assert _labels(root) == []
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "ring"]) == 3


@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.integers(min_value=1, max_value=CLOSENESS_RINGS)),
        max_size=25,
    )
)
def test_it_always_renders_valid_xml_with_one_label_per_person(
    people: list[tuple[str, int]],
) -> None:
    root = _render([Person(label, ring) for label, ring in people])
    assert len(_labels(root)) == len(people)
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "person"]) == len(people)
    height = height_for(len(people))
    for spot in layout([Person(label, ring) for label, ring in people]):
        assert 0 <= spot.x <= WIDTH
        assert 0 <= spot.y <= height
