"""The closeness circle (§1.6) drawn as server-side SVG.

The client sits at the centre; each important person sits in a concentric ring
by felt closeness (ring 1 = closest). ``render_circle`` is a pure function from
(label, ring) pairs to an SVG string: no database, no request, no templates.

Only SVG presentation attributes (fill, stroke, font-size…) are used, never a
``style`` attribute, so the drawing passes the strict Content-Security-Policy.
The picture is ``role="img"`` named by its <title> and <desc>; pages pair it with
a text alternative (ring by ring) because the labels inside are not read out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape as _escape

from rapport.ipt.models.inventory import CLOSENESS_RINGS

SIZE = 520
CENTRE = SIZE / 2
CENTRE_RADIUS = 46
MARGIN = 56  # room for the outer ring's labels
LABEL_MAX = 16  # characters; longer names are shortened with an ellipsis
# Inner rings darker, so "closer" reads at a glance; all pass contrast with the ink.
RING_FILLS = ("#cfe0ee", "#e1ecf5", "#f1f6fa", "#f8fbfd", "#fcfdfe")
INK = "#1d2733"
LINE = "#5f7388"
DOT = "#1f5f8b"


def ring_radius(ring: int, rings: int = CLOSENESS_RINGS) -> float:
    """Distance from the centre at which people of ``ring`` sit (mid-band)."""
    return CENTRE_RADIUS + _ring_width(rings) * (ring - 0.5)


def _ring_width(rings: int) -> float:
    return (CENTRE - CENTRE_RADIUS - MARGIN) / rings


# Characters XML 1.0 cannot carry at all (control characters, lone surrogates…).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML.sub("", text))


def short_label(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def positions(
    people: Sequence[tuple[str, int]], rings: int = CLOSENESS_RINGS
) -> list[tuple[str, int, float, float]]:
    """Each person's (label, ring, x, y): spread evenly by angle around their ring."""
    by_ring: dict[int, list[str]] = {}
    for label, ring in people:
        by_ring.setdefault(min(max(int(ring), 1), rings), []).append(label)
    placed = []
    for ring, labels in sorted(by_ring.items()):
        radius = ring_radius(ring, rings)
        # Each ring starts at a different angle so neighbours in adjacent rings
        # do not line up and their labels do not collide.
        start = -math.pi / 2 + ring * math.pi / 7
        for index, label in enumerate(labels):
            angle = start + 2 * math.pi * index / len(labels)
            x = CENTRE + radius * math.cos(angle)
            y = CENTRE + radius * math.sin(angle)
            placed.append((label, ring, round(x, 1), round(y, 1)))
    return placed


def render_circle(
    people: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str,
    centre_label: str,
    id_prefix: str = "circle",
    rings: int = CLOSENESS_RINGS,
) -> str:
    """The closeness circle as an SVG document fragment (valid XML)."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" class="closeness-svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    # Outermost first, so each inner ring paints over the one around it.
    for ring in range(rings, 0, -1):
        outer = CENTRE_RADIUS + _ring_width(rings) * ring
        fill = RING_FILLS[min(ring - 1, len(RING_FILLS) - 1)]
        parts.append(
            f'<circle class="ring" data-ring="{ring}" cx="{CENTRE}" cy="{CENTRE}" '
            f'r="{outer:.1f}" fill="{fill}" stroke="{LINE}" stroke-width="1.5"/>'
        )
    parts.append(
        f'<circle class="centre" cx="{CENTRE}" cy="{CENTRE}" r="{CENTRE_RADIUS}" '
        f'fill="#ffffff" stroke="{DOT}" stroke-width="2"/>'
    )
    parts.append(_text(short_label(centre_label), CENTRE, CENTRE + 5, "centre-label", bold=True))
    for label, ring, x, y in positions(people, rings):
        parts.append(f'<g class="person" data-ring="{ring}">')
        parts.append(f"<title>{escape(label)}</title>")
        parts.append(f'<circle class="dot" cx="{x}" cy="{y}" r="5" fill="{DOT}"/>')
        parts.append(_text(short_label(label), x, y + 19, "person-label"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _text(label: str, x: float, y: float, css_class: str, *, bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    # A white halo (paint-order stroke) keeps labels legible over ring edges.
    return (
        f'<text class="{css_class}" x="{x}" y="{y}" text-anchor="middle" font-size="14" '
        f'font-family="system-ui, sans-serif" fill="{INK}" stroke="#ffffff" stroke-width="3" '
        f'paint-order="stroke"{weight}>{escape(label)}</text>'
    )
