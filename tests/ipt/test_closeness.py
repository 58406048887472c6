"""The closeness circle's SVG (§1.6): valid, accessible, CSP-safe, and faithful to the rings."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from rapport.ipt.closeness import CENTRE, positions, render_circle, short_label
from rapport.ipt.models.inventory import CLOSENESS_RINGS

SVG = "{http://www.w3.org/2000/svg}"
PEOPLE = [("Ann", 1), ("Bea", 1), ("Cal", 2), ("Dee", 3), ("Eli", 3), ("Fay", 3)]


def _render(people: list[tuple[str, int]], **options: str) -> ET.Element:
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


def _distance(x: float, y: float) -> float:
    return math.hypot(x - CENTRE, y - CENTRE)


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
    assert float(centre[0].get("x")) == CENTRE


def test_it_places_closer_rings_nearer_the_centre() -> None:
    by_label = {label: (ring, x, y) for label, ring, x, y in positions(PEOPLE)}
    ann, cal, dee = (_distance(*by_label[n][1:]) for n in ("Ann", "Cal", "Dee"))
    assert ann < cal < dee
    # Everyone in a ring sits at the same distance from the centre.
    ring_three = [_distance(x, y) for _l, ring, x, y in positions(PEOPLE) if ring == 3]
    assert max(ring_three) - min(ring_three) < 0.2  # coordinates are rounded to 0.1


def test_it_spreads_people_of_one_ring_evenly_by_angle() -> None:
    placed = [(x, y) for _l, ring, x, y in positions(PEOPLE) if ring == 3]
    angles = sorted(math.atan2(y - CENTRE, x - CENTRE) for x, y in placed)
    gaps = [b - a for a, b in itertools.pairwise(angles)]
    assert all(math.isclose(gap, 2 * math.pi / 3, abs_tol=0.01) for gap in gaps)


def test_it_is_named_by_its_title_and_description() -> None:
    root = _render(PEOPLE, id_prefix="intake")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "intake-title intake-desc"
    assert root.find(f"{SVG}title").get("id") == "intake-title"
    assert root.find(f"{SVG}title").text == "Closeness at intake"
    assert root.find(f"{SVG}desc").get("id") == "intake-desc"
    assert root.find(f"{SVG}desc").text == "Six people."


def test_it_uses_no_style_attribute() -> None:
    svg = render_circle(PEOPLE, title="t", description="d", centre_label="Me")
    assert "style=" not in svg
    assert "<style" not in svg


def test_it_escapes_labels_and_shortens_long_ones() -> None:
    root = _render([("<script>alert(1)</script>", 1), ("Bartholomew Fitzgerald-Smythe", 2)])
    labels = _labels(root)
    assert "<script>alert(1)</script>"[:15] + "…" in labels
    assert short_label("Bartholomew Fitzgerald-Smythe") in labels
    # The full name stays available as the marker's tooltip.
    titles = [t.text for g in root.iter(f"{SVG}g") for t in g.iter(f"{SVG}title")]
    assert "Bartholomew Fitzgerald-Smythe" in titles


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
    root = _render(people)
    assert len(_labels(root)) == len(people)
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "person"]) == len(people)
    for _label, ring, x, y in positions(people):
        assert 0 <= x <= 2 * CENTRE, ring
        assert 0 <= y <= 2 * CENTRE, ring
