"""The closeness circle (§1.6) drawn as server-side SVG.

The client sits at the centre; each important person sits in a concentric ring
by felt closeness (ring 1 = closest). ``render_circle`` is a pure function from
people (name, ring, desired ring, deceased) to an SVG string: no database, no
request, no templates.

Layout, deterministic and collision-free: the people of one ring are spread
evenly by angle around it (each ring turned a little, so rings interleave);
their names sit in two columns outside the circle, left and right, each name at
its dot's height where it can be and pushed apart to a minimum separation where
it cannot, with a thin leader line from the dot. The picture grows taller when a
column needs more room, so no two names ever overlap, however many people.

Only SVG presentation attributes (fill, stroke, font-size…) are used, never a
``style`` attribute, so the drawing passes the strict Content-Security-Policy.
The picture is ``role="img"`` named by its <title> and <desc>; pages pair it with
a text alternative (a table) because the labels inside are not read out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape

from rapport.ipt.models.inventory import CLOSENESS_RINGS

CENTRE_RADIUS = 40
RING_WIDTH = 50
OUTER = CENTRE_RADIUS + RING_WIDTH * CLOSENESS_RINGS  # radius of the outer ring's edge
GAP = 26  # from the outer ring to the name columns
LABEL_MAX = 16  # characters; longer names are shortened with an ellipsis
FONT = 14
CHAR_W = 8.4  # a generous width per character at 14 px, so estimated boxes never undershoot
LABEL_W = (LABEL_MAX + 2) * CHAR_W  # the widest name, with the deceased mark
LINE_H = 20  # one name's height plus the minimum separation
PAD = 16
WIDTH = round(2 * (OUTER + GAP + LABEL_W + PAD))
DECEASED_MARK = "†"
# Inner rings darker, so "closer" reads at a glance; all pass contrast with the ink.
RING_FILLS = ("#cfe0ee", "#e1ecf5", "#f1f6fa", "#f8fbfd", "#fcfdfe")
INK = "#1d2733"
LINE = "#5f7388"
DOT = "#1f5f8b"
DESIRED = "#8a3b12"  # the "would like them here" marker and arrow: apart from the dots


@dataclass(frozen=True)
class Person:
    """One placement as the circle draws it."""

    label: str
    ring: int
    desired: int | None = None
    deceased: bool = False


@dataclass(frozen=True)
class Placed:
    """Where a person and their name are drawn (``box`` = the name's bounding box)."""

    person: Person
    angle: float
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # "start" (right column) or "end" (left column)
    text: str

    @property
    def box(self) -> tuple[float, float, float, float]:
        width = len(self.text) * CHAR_W
        left = self.label_x if self.anchor == "start" else self.label_x - width
        return (left, self.label_y - LINE_H / 2 + 1, left + width, self.label_y + LINE_H / 2 - 1)


def ring_radius(ring: int, rings: int = CLOSENESS_RINGS) -> float:
    """Distance from the centre at which people of ``ring`` sit (mid-band)."""
    return CENTRE_RADIUS + RING_WIDTH * (ring - 0.5)


def height_for(people: int) -> int:
    """The picture's height: the circle, or taller when a name column needs it."""
    return round(max(2 * (OUTER + PAD), (people + 1) * LINE_H + 2 * PAD))


# Characters XML 1.0 cannot carry at all (control characters, lone surrogates…).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML.sub("", text))


def short_label(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def angles(count: int, ring: int, rings: int = CLOSENESS_RINGS) -> list[float]:
    """``count`` angles spread evenly around ``ring``, starting at the top.

    Each ring is turned by a fraction of its own spacing, so one person per ring
    lands at three different places rather than in one sector.
    """
    if count == 0:
        return []
    step = 2 * math.pi / count
    turn = step * (ring - 1) / rings if count > 1 else 2 * math.pi * (ring - 1) / rings
    return [-math.pi / 2 + turn + step * index for index in range(count)]


def layout(people: Sequence[Person], rings: int = CLOSENESS_RINGS) -> list[Placed]:
    """Every person's dot and name position; names never overlap (see module doc)."""
    height = height_for(len(people))
    cx, cy = WIDTH / 2, height / 2
    by_ring: dict[int, list[tuple[int, Person]]] = {}
    for index, person in enumerate(people):
        by_ring.setdefault(min(max(int(person.ring), 1), rings), []).append((index, person))
    dots = []
    for ring, members in sorted(by_ring.items()):
        radius = ring_radius(ring, rings)
        for (index, person), angle in zip(members, angles(len(members), ring, rings), strict=True):
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            dots.append((index, person, angle, x, y))
    left, right = [], []
    for index, dot in enumerate(dots):
        cos = math.cos(dot[2])
        # Straight up or down: alternate sides, so neither column takes them all.
        side = right if cos > 1e-9 or (abs(cos) <= 1e-9 and index % 2 == 0) else left
        side.append(dot)
    placed: list[tuple[int, Placed]] = []
    for column, anchor in ((right, "start"), (left, "end")):
        label_x = cx + (OUTER + GAP) * (1 if anchor == "start" else -1)
        wanted = [cy + (OUTER + GAP / 2) * math.sin(dot[2]) for dot in column]
        order = sorted(range(len(column)), key=lambda i: (wanted[i], i))
        ys = _spread([wanted[i] for i in order], PAD + LINE_H / 2, height - PAD - LINE_H / 2)
        for i, label_y in zip(order, ys, strict=True):
            index, person, angle, x, y = column[i]
            text = short_label(person.label) + (f" {DECEASED_MARK}" if person.deceased else "")
            spot = Placed(
                person,
                angle,
                round(x, 1),
                round(y, 1),
                round(label_x, 1),
                round(label_y, 1),
                anchor,
                text,
            )
            placed.append((index, spot))
    return [spot for _index, spot in sorted(placed, key=lambda item: item[0])]


def _spread(wanted: list[float], top: float, bottom: float) -> list[float]:
    """Sorted wished-for heights moved the least so that neighbours are LINE_H apart."""
    ys = []
    for y in wanted:  # downwards: nobody above the top, nobody closer than LINE_H
        ys.append(max(y, top, ys[-1] + LINE_H if ys else top))
    for i in range(len(ys) - 1, -1, -1):  # upwards: nobody below the bottom
        limit = bottom if i == len(ys) - 1 else ys[i + 1] - LINE_H
        ys[i] = min(ys[i], limit)
    return ys


def render_circle(
    people: Sequence[Person],
    *,
    title: str,
    description: str,
    centre_label: str,
    id_prefix: str = "circle",
    rings: int = CLOSENESS_RINGS,
) -> str:
    """The closeness circle as an SVG document fragment (valid XML)."""
    height = height_for(len(people))
    cx, cy = WIDTH / 2, height / 2
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    arrow_id = f"{id_prefix}-arrow"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="closeness-svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<defs><marker id="{arrow_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{DESIRED}"/></marker></defs>',
        *_rings(cx, cy, rings),
        _text(short_label(centre_label), cx, cy + 5, "centre-label", "middle", bold=True),
    ]
    placed = layout(people, rings)
    for spot in placed:  # leader lines first: dots and markers paint over them
        edge = spot.label_x - 4 if spot.anchor == "start" else spot.label_x + 4
        parts.append(
            f'<polyline class="leader" points="{spot.x},{spot.y} {edge},{spot.label_y - 4}" '
            f'fill="none" stroke="{LINE}" stroke-width="1" stroke-dasharray="2 2"/>'
        )
    for spot in placed:
        parts.extend(_person(spot, cx, cy, arrow_id))
    parts.append("</svg>")
    return "".join(parts)


def _rings(cx: float, cy: float, rings: int) -> list[str]:
    parts = []
    # Outermost first, so each inner ring paints over the one around it.
    for ring in range(rings, 0, -1):
        outer = CENTRE_RADIUS + RING_WIDTH * ring
        fill = RING_FILLS[min(ring - 1, len(RING_FILLS) - 1)]
        parts.append(
            f'<circle class="ring" data-ring="{ring}" cx="{cx}" cy="{cy}" r="{outer}" '
            f'fill="{fill}" stroke="{LINE}" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text class="ring-number" x="{cx}" y="{cy - outer + 14}" text-anchor="middle" '
            f'font-size="11" font-family="system-ui, sans-serif" fill="{LINE}">{ring}</text>'
        )
    parts.append(
        f'<circle class="centre" cx="{cx}" cy="{cy}" r="{CENTRE_RADIUS}" '
        f'fill="#ffffff" stroke="{DOT}" stroke-width="2"/>'
    )
    return parts


def _person(spot: Placed, cx: float, cy: float, arrow_id: str) -> list[str]:
    person = spot.person
    classes = "person deceased" if person.deceased else "person"
    parts = [
        f'<g class="{classes}" data-ring="{person.ring}">',
        f"<title>{escape(person.label)}</title>",
    ]
    if person.desired and person.desired != person.ring:
        radius = ring_radius(person.desired)
        hx, hy = cx + radius * math.cos(spot.angle), cy + radius * math.sin(spot.angle)
        # The arrow stops short of the hollow marker's edge (7 px), pointing at it.
        length = math.hypot(hx - spot.x, hy - spot.y) or 1
        ex, ey = hx - (hx - spot.x) * 9 / length, hy - (hy - spot.y) * 9 / length
        parts.append(
            f'<line class="desired-arrow" x1="{spot.x}" y1="{spot.y}" x2="{ex:.1f}" y2="{ey:.1f}" '
            f'stroke="{DESIRED}" stroke-width="2" marker-end="url(#{arrow_id})"/>'
            f'<circle class="desired" data-ring="{person.desired}" cx="{hx:.1f}" cy="{hy:.1f}" '
            f'r="6" fill="#ffffff" stroke="{DESIRED}" stroke-width="2"/>'
        )
    if person.deceased:  # a cross instead of a dot, drawn on a white disc
        x, y = spot.x, spot.y
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="7" fill="#ffffff" stroke="{INK}" stroke-width="1"/>'
            f'<path class="deceased-mark" d="M{x},{y - 5} V{y + 6} M{x - 4},{y - 2} H{x + 4}" '
            f'stroke="{INK}" stroke-width="2" fill="none"/>'
        )
    else:
        parts.append(f'<circle class="dot" cx="{spot.x}" cy="{spot.y}" r="5" fill="{DOT}"/>')
    parts.append(_text(spot.text, spot.label_x, spot.label_y + 5, "person-label", spot.anchor))
    parts.append("</g>")
    return parts


def _text(
    label: str, x: float, y: float, css_class: str, anchor: str, *, bold: bool = False
) -> str:
    weight = ' font-weight="700"' if bold else ""
    # A white halo keeps labels legible over ring edges: the stroke is painted under the
    # fill by the style sheet's `svg text[stroke] { paint-order: stroke }`.
    return (
        f'<text class="{css_class}" x="{x}" y="{y}" text-anchor="{anchor}" font-size="{FONT}" '
        f'font-family="system-ui, sans-serif" fill="{INK}" stroke="#ffffff" stroke-width="3"'
        f"{weight}>{escape(label)}</text>"
    )


PICKER_SIZE = 2 * (OUTER + 10)


def render_picker(people: Sequence[Person], rings: int = CLOSENESS_RINGS) -> str:
    """The rings alone, square, for placing by clicking: the page lays ring buttons over it.

    Placed people show as dots (named by their <title>); the names are in the form
    beside it. Decorative for assistive technology: the buttons carry the meaning.
    """
    cx = cy = PICKER_SIZE / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PICKER_SIZE} {PICKER_SIZE}" '
        f'class="ring-picker-svg" aria-hidden="true" focusable="false">',
        *_rings(cx, cy, rings),
    ]
    counts = Counter(person.ring for person in people)
    for ring, count in sorted(counts.items()):
        for angle in angles(count, ring, rings):
            x = cx + ring_radius(ring) * math.cos(angle)
            y = cy + ring_radius(ring) * math.sin(angle)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{DOT}"/>')
    parts.append("</svg>")
    return "".join(parts)
