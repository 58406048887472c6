"""One measure over time as a server-side SVG (issue 4 item 4), plus its data-table rows.

``render()`` is a pure function: the same chart goes into the web page and,
later, into PDFs, so it uses presentation attributes only (no ``style=``, no
script; ``class`` attributes only name the parts) and keeps enough contrast to
read when printed in greyscale. ``build()`` puts dates on the x axis, with each
score's session number as a second label under its date; ``render()`` also takes
bare session numbers. The caller supplies interpersonal events and the IPT
phases as dates (measures never imports ipt): phases are shaded spans with their
names along the top.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.measures import instruments
from rapport.measures.instruments.base import Band

X = int | float | date

WIDTH, HEIGHT = 640, 340
# The right margin carries the band labels; the top the phase names and event markers;
# the bottom the dates with their session numbers under them.
LEFT, RIGHT, TOP, BOTTOM = 48, 132, 46, 58
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, MUTED, ACCENT, EVENT = "#1d2733", "#4a5868", "#1f5f8b", "#6b3fa0"
SMALL_CHAR = 6.6  # a generous width per character of 11 px text, for keeping labels apart
# Phases alternate shaded and clear, so a boundary reads without colour.
PHASE_SHADE = {"initial": 0.09, "middle": 0.0, "termination": 0.09, "maintenance": 0.0}
# Light to dark warmth, distinguishable in greyscale print (lighter = milder).
BAND_FILLS = ("#eef6ee", "#f6f5dc", "#fcebd0", "#f9dcc8", "#f4c9c6")


@dataclass(frozen=True)
class Point:
    x: X  # session number or date
    total: int
    band: str = ""
    session: int | None = None  # the session number, shown under a date


@dataclass(frozen=True)
class PhaseSpan:
    """One IPT phase on a date axis: from its first session to the next phase's first."""

    key: str  # initial, middle, termination, maintenance
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Event:
    x: X | None  # None: no place on this axis (listed beside the chart, not drawn)
    label: str


@dataclass(frozen=True)
class Row:
    """One line of the accessible data table that sits beside the chart."""

    session: int | None
    day: date | None
    total: int
    band: str
    change: int | None  # from baseline; None on the baseline row itself
    is_baseline: bool
    imported: bool = False  # brought in from earlier records (Response.Mode.IMPORTED)


def rows(points: Sequence[tuple[int | None, date | None, int, str]]) -> list[Row]:
    """(session, date, total, band) in order → table rows with change from baseline."""
    if not points:
        return []
    baseline = points[0][2]
    return [
        Row(session, day, total, band, None if i == 0 else total - baseline, i == 0)
        for i, (session, day, total, band) in enumerate(points)
    ]


def session_position(day: date, sessions: Sequence[tuple[int, date]]) -> float | None:
    """Where ``day`` falls on a session axis, interpolating between dated sessions.

    Events outside the span of the sessions have no place on that axis (None):
    the caller lists them beside the chart instead of inventing a position.
    """
    known = sorted(sessions, key=lambda item: item[1])
    if not known or day < known[0][1] or day > known[-1][1]:
        return None
    for (n1, d1), (n2, d2) in itertools.pairwise(known):
        if d1 <= day <= d2:
            span = (d2 - d1).days
            return float(n1) if span == 0 else n1 + (n2 - n1) * (day - d1).days / span
    return float(known[-1][0])


def _ordinal(x: X) -> float:
    return float(x.toordinal()) if isinstance(x, date) else float(x)


@dataclass(frozen=True)
class _Frame:
    low: float
    high: float
    maximum: int
    dates: bool

    def x(self, value: X) -> float:
        span = self.high - self.low
        return round(LEFT + PLOT_W * (_ordinal(value) - self.low) / span, 2)

    def y(self, value: float) -> float:
        return round(TOP + PLOT_H * (1 - value / self.maximum), 2)


def _frame(points: Sequence[Point], maximum: int, *, window: bool = False) -> _Frame:
    dates = bool(points) and isinstance(points[0].x, date)
    xs = [_ordinal(p.x) for p in points] or [1.0]
    low, high = min(xs), max(xs)
    if not dates and not window:  # a window's axis starts where its scores do
        low = min(low, 1.0)
    if high - low < 1:  # a single point still gets an axis
        high = low + (7 if dates else 1)
    pad = (high - low) * 0.04
    return _Frame(low - pad, high + pad, max(maximum, 1), dates)


def _visible(events: Sequence[Event], frame: _Frame) -> list[tuple[int, Event]]:
    return [
        (number, event)
        for number, event in enumerate(events, start=1)
        if event.x is not None and frame.low <= _ordinal(event.x) <= frame.high
    ]


def _day_text(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _point_label(frame: _Frame, point: Point) -> str:
    """A score's place in words: its date, and its session when both are known."""
    if isinstance(point.x, date) and point.session is not None:
        return f"{_label(frame, point.x)}, {_label(frame, point.session)}"
    return _label(frame, point.x)


def _label(frame: _Frame, x: X) -> str:
    if isinstance(x, date):
        return _day_text(x)
    if x == 0:
        return _("before session 1")  # a self-screen with the consultation request
    return _("session %(n)s") % {"n": x}


def render(
    *,
    title: str,
    maximum: int,
    bands: Sequence[Band],
    caseness: int | None,
    points: Sequence[Point],
    events: Sequence[Event] = (),
    chart_id: str = "chart",
    baseline: Point | None = None,
    of: int | None = None,
    phases: Sequence[PhaseSpan] = (),
    plain: bool = False,
) -> SafeString:
    """An accessible SVG (role="img", <title>, <desc>) of one measure's totals.

    Drawn: one shaded rect per severity band, the caseness line, the baseline
    (first point) as a dotted reference line and ringed point, the scores as a
    line with points, each event as a numbered vertical marker, and each IPT phase
    (dates only) as a shaded span named along the top.

    A window (the latest of ``of`` scores) passes its ``baseline`` apart: the axis
    spans the window only, so its points keep their width, and the baseline is
    drawn as the reference line alone, labelled with where it was taken.

    ``plain``: for the client's own eyes (the portal): the baseline is "your first
    score", in words without clinical terms.
    """
    frame = _frame(points, maximum, window=baseline is not None)
    shown = _visible(events, frame)
    spans = _phase_spans(phases, frame)
    description = _describe(
        [baseline, *points] if baseline else points, shown, caseness, frame, of, plain=plain
    )
    description += "".join(
        " "
        + _("%(phase)s phase from %(day)s.") % {"phase": span.label, "day": _day_text(span.start)}
        for span, _x0, _x1 in spans
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" class="measure-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *_bands(bands, frame),
        *_phases(spans),
        *_axes(points, frame, bands),
    ]
    if caseness is not None:
        parts.extend(_caseness(caseness, frame))
    parts.extend(_events(shown, frame))
    if baseline is not None:
        parts.extend(_baseline(baseline, frame, points, caseness, ring=False, plain=plain))
    elif points:
        parts.extend(_baseline(points[0], frame, points, caseness, plain=plain))
    parts.extend(_series(points, frame) if points else [])
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text node above is escaped)


def _describe(
    points: Sequence[Point],
    shown: list[tuple[int, Event]],
    caseness: int | None,
    frame: _Frame,
    of: int | None = None,
    *,
    plain: bool = False,
) -> str:
    if not points:
        return _("No scores yet.")
    first = _("Your first score %(first)s; latest %(last)s; %(n)s scores.")
    text = (first if plain else _("Baseline %(first)s; latest %(last)s; %(n)s scores.")) % {
        "first": points[0].total,
        "last": points[-1].total,
        "n": of or len(points),
    }
    if of and of > len(points):
        text += " " + window_text(len(points), of, plain=plain)
    if caseness is not None:
        text += " " + _("Caseness threshold %(c)s.") % {"c": caseness}
    for number, event in shown:
        text += " " + _("Event %(n)s at %(x)s: %(label)s.") % {
            "n": number,
            "x": _label(frame, event.x),
            "label": event.label,
        }
    return text


def _bands(bands: Sequence[Band], frame: _Frame) -> list[str]:
    parts = []
    n = len(bands)
    for i, band in enumerate(sorted(bands, key=lambda b: b.minimum)):
        top = min(band.maximum + 1, frame.maximum) if i < n - 1 else frame.maximum
        y_top, y_bottom = frame.y(top), frame.y(band.minimum)
        fill = BAND_FILLS[round(i * (len(BAND_FILLS) - 1) / max(n - 1, 1))]
        parts.append(
            f'<rect class="band" x="{LEFT}" y="{y_top}" width="{PLOT_W}" '
            f'height="{round(y_bottom - y_top, 2)}" fill="{fill}" '
            f"data-band={quoteattr(str(band.label))}>"
            f"<title>{escape(str(band.label))} ({band.minimum}–{band.maximum})</title></rect>"
        )
        parts.append(
            f'<text x="{LEFT + PLOT_W + 6}" y="{round((y_top + y_bottom) / 2 + 4, 2)}" '
            f'font-size="11" fill="{MUTED}">{escape(str(band.label))}</text>'
        )
    return parts


def _ticks(frame: _Frame, points: Sequence[Point]) -> list[X]:
    if frame.dates:
        days = sorted({p.x for p in points})
        step = max(1, len(days) // 6 + (len(days) % 6 > 0))
        return days[::step]
    first, last = int(frame.low) + 1, int(frame.high)
    step = max(1, (last - first) // 12 + 1)
    return list(range(max(first, 1), last + 1, step))


def _axes(points: Sequence[Point], frame: _Frame, bands: Sequence[Band]) -> list[str]:
    bottom = TOP + PLOT_H
    parts = [
        f'<line x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_W}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{INK}"/>',
    ]
    # Ticks at the band boundaries: the numbers a clinician reads the bands by.
    edges = {b.minimum for b in bands if 0 < b.minimum < frame.maximum} or {frame.maximum // 2}
    for value in sorted({0, frame.maximum} | edges):
        y = frame.y(value)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4}" font-size="11" text-anchor="end" '
            f'fill="{INK}">{value}</text>'
        )
    sessions = _sessions_by_day(points)
    for tick in _ticks(frame, points):
        x = frame.x(tick)
        text = formats.date_format(tick, "M j") if isinstance(tick, date) else str(tick)
        parts.append(
            f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 4}" stroke="{INK}"/>'
            f'<text class="tick" x="{x}" y="{bottom + 16}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{escape(text)}</text>'
        )
        if tick in sessions:  # the session number, under its date
            parts.append(
                f'<text class="tick-session" x="{x}" y="{bottom + 29}" font-size="10" '
                f'text-anchor="middle" fill="{MUTED}">{escape(sessions[tick])}</text>'
            )
    axis = _("Date") if frame.dates else _("Session")
    if sessions:
        axis = _("Date (session number below)")
    parts.append(
        f'<text x="{LEFT + PLOT_W / 2}" y="{HEIGHT - 6}" font-size="12" text-anchor="middle" '
        f'fill="{INK}">{escape(axis)}</text>'
    )
    return parts


def _sessions_by_day(points: Sequence[Point]) -> dict[X, str]:
    found: dict[X, list[str]] = {}
    for point in points:
        if isinstance(point.x, date) and point.session is not None:
            found.setdefault(point.x, []).append(_("s%(n)s") % {"n": point.session})
    return {day: "·".join(names) for day, names in found.items()}


def _phase_spans(
    phases: Sequence[PhaseSpan], frame: _Frame
) -> list[tuple[PhaseSpan, float, float]]:
    """Each phase clipped to a date axis, with its left and right edge; none on sessions."""
    if not frame.dates:
        return []
    spans = []
    for span in phases:
        low = max(float(span.start.toordinal()), frame.low)
        high = min(float(span.end.toordinal()), frame.high)
        if high > low:
            spans.append((span, _x_at(frame, low), _x_at(frame, high)))
    return spans


def _x_at(frame: _Frame, ordinal: float) -> float:
    return round(LEFT + PLOT_W * (ordinal - frame.low) / (frame.high - frame.low), 2)


def _phases(spans: list[tuple[PhaseSpan, float, float]]) -> list[str]:
    parts = []
    for span, x0, x1 in spans:
        shade = PHASE_SHADE.get(span.key, 0.0)
        label = str(span.label)
        # Named along the top when it fits; the <title> and the description name it always.
        name = label if len(label) * SMALL_CHAR <= x1 - x0 - 4 else label[:1]
        parts.append(
            f'<g class="phase" data-phase={quoteattr(span.key)}><title>{escape(label)}</title>'
            f'<rect x="{x0}" y="{TOP}" width="{round(x1 - x0, 2)}" height="{PLOT_H}" '
            f'fill="{INK}" fill-opacity="{shade}"/>'
            f'<rect x="{x0}" y="4" width="{round(x1 - x0, 2)}" height="16" fill="{INK}" '
            f'fill-opacity="{shade + 0.06:.2f}"/>'
            f'<line x1="{x0}" y1="4" x2="{x0}" y2="{TOP + PLOT_H}" stroke="{MUTED}" '
            f'stroke-width="1" stroke-dasharray="4 2"/>'
            f'<text x="{round(x0 + 3, 2)}" y="16" font-size="11" fill="{INK}">{escape(name)}</text>'
            f"</g>"
        )
    return parts


def _caseness(caseness: int, frame: _Frame) -> list[str]:
    y = frame.y(caseness)
    label = _("caseness %(c)s") % {"c": caseness}
    return [
        f'<line class="caseness" x1="{LEFT}" y1="{y}" x2="{LEFT + PLOT_W}" y2="{y}" '
        f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{LEFT + 4}" y="{y - 4}" font-size="11" fill="{INK}">{escape(label)}</text>',
    ]


def _events(shown: list[tuple[int, Event]], frame: _Frame) -> list[str]:
    parts = []
    for number, event in shown:
        x = frame.x(event.x)
        parts.append(
            f'<g class="event"><title>{escape(event.label)}</title>'
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + PLOT_H}" stroke="{EVENT}" '
            f'stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<circle cx="{x}" cy="{TOP - 10}" r="8" fill="#ffffff" stroke="{EVENT}"/>'
            f'<text x="{x}" y="{TOP - 6}" font-size="10" text-anchor="middle" '
            f'fill="{EVENT}">{number}</text></g>'
        )
    return parts


def _baseline(
    first: Point,
    frame: _Frame,
    points: Sequence[Point],
    caseness: int | None,
    *,
    ring: bool = True,
    plain: bool = False,
) -> list[str]:
    y = frame.y(first.total)
    label = (_("your first score %(t)s") if plain else _("baseline %(t)s")) % {"t": first.total}
    if not ring:  # off this axis: say where it was taken
        label = (_("your first score %(t)s (%(x)s)") if plain else _("baseline %(t)s (%(x)s)")) % {
            "t": first.total,
            "x": _point_label(frame, first),
        }
    x, anchor, text_y = label_spot(label, y, frame, points, caseness)
    parts = [
        f'<line class="baseline" x1="{LEFT}" y1="{y}" x2="{LEFT + PLOT_W}" y2="{y}" '
        f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="1 3"/>',
        f'<text class="baseline-label" x="{x}" y="{text_y}" font-size="11" '
        f'text-anchor="{anchor}" fill="{MUTED}" stroke="#ffffff" stroke-width="3">'
        f"{escape(label)}</text>",
    ]
    if ring:
        parts.insert(
            1,
            f'<circle class="baseline-point" cx="{frame.x(first.x)}" cy="{y}" r="8" '
            f'fill="none" stroke="{ACCENT}" stroke-width="2"/>',
        )
    return parts


def text_box(text: str, x: float, y: float, anchor: str) -> tuple[float, float, float, float]:
    """The box an 11 px label drawn at (x, y) takes, generously estimated."""
    width = len(text) * SMALL_CHAR
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - 11, left + width, y + 3)


def label_spot(
    text: str, y: float, frame: _Frame, points: Sequence[Point], caseness: int | None
) -> tuple[float, str, float]:
    """Where the baseline's label goes: above or below its line, clear of every score.

    Tried in order: the right end, the left end, then the gaps between scores; the
    caseness label (top left of its line) is kept clear too. The old fixed place,
    the right end, sat on the latest score whenever it had not moved.
    """
    marks = [(frame.x(p.x), frame.y(p.total)) for p in points]
    xs = sorted(x for x, _y in marks)
    spots = [(LEFT + PLOT_W - 4, "end"), (LEFT + 4, "start")]
    spots += [((a + b) / 2, "middle") for a, b in itertools.pairwise(xs) if b - a > 20]
    taken = []
    if caseness is not None:
        taken.append(
            text_box(
                _("caseness %(c)s") % {"c": caseness}, LEFT + 4, frame.y(caseness) - 4, "start"
            )
        )
    for text_y in (y - 4, y + 14):
        for x, anchor in spots:
            box = text_box(text, x, text_y, anchor)
            if box[1] < TOP or box[3] > TOP + PLOT_H or box[0] < LEFT or box[2] > LEFT + PLOT_W:
                continue
            clear = all(not _near(box, mx, my, 6) for mx, my in marks)
            if clear and not any(_overlap(box, other) for other in taken):
                return round(x, 2), anchor, round(text_y, 2)
    return LEFT + PLOT_W - 4, "end", round(y - 4, 2)  # a crowded chart: the old place


def _near(box: tuple[float, float, float, float], x: float, y: float, radius: float) -> bool:
    return box[0] - radius < x < box[2] + radius and box[1] - radius < y < box[3] + radius


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _series(points: Sequence[Point], frame: _Frame) -> list[str]:
    coordinates = " ".join(f"{frame.x(p.x)},{frame.y(p.total)}" for p in points)
    parts = [
        f'<polyline class="scores" points="{coordinates}" fill="none" stroke="{ACCENT}" '
        f'stroke-width="2"/>'
    ]
    for point in points:
        tip = f"{_point_label(frame, point)}: {point.total}"
        if point.band:
            tip += f" ({point.band})"
        parts.append(
            f'<circle class="score" cx="{frame.x(point.x)}" cy="{frame.y(point.total)}" r="4" '
            f'fill="{ACCENT}"><title>{escape(tip)}</title></circle>'
        )
    return parts


# ---------------------------------------------------------------- from responses to charts

PhaseSource = Callable[[Any, Any], list[PhaseSpan]]
_phase_sources: list[PhaseSource] = []


def phase_source(source: PhaseSource) -> PhaseSource:
    """Register who knows an episode's phases: (client, context_id) → spans (ipt does)."""
    _phase_sources.append(source)
    return source


def phases_for(client: Any, context_id: Any) -> list[PhaseSpan]:
    for source in _phase_sources:
        found = source(client, context_id)
        if found:
            return found
    return []


@dataclass
class ListedEvent:
    number: int
    day: date
    label: str
    drawn: bool


@dataclass
class Chart:
    """What a page shows for one measure: the SVG, its data table and its event legend."""

    code: str
    title: str
    svg: SafeString
    rows: list[Row]
    events: list[ListedEvent]
    caseness: int | None
    count: int = 0  # scores in all; more than ``rows`` when the chart shows a window
    history_url: str = ""  # the page that shows every score (set by the page's owner)

    @property
    def thinned(self) -> bool:
        return self.count > len(self.rows)

    @property
    def window_text(self) -> str:
        return window_text(len(self.rows), self.count) if self.thinned else ""


def current(responses: Sequence[Any]) -> list[Any]:
    """Responses still in force: a corrected response gives way to its correction (§2).

    Incomplete responses (a safety answer with questions unanswered) never count:
    they have no total, and a missing answer is never estimated (measures.md §2.2).
    """
    corrected = {r.corrects_id for r in responses if r.corrects_id}
    return [r for r in responses if r.pk not in corrected and r.complete and r.total is not None]


# Depression first, as IPT reads its outcomes; the rest in catalogue order.
FIRST = ("phq9", "phqa", "epds", "hrsd17", "gad7")


def display_order(code: str) -> tuple[int, int]:
    rest = list(instruments.CATALOGUE)
    return (FIRST.index(code), 0) if code in FIRST else (len(FIRST), rest.index(code))


def by_instrument(responses: Sequence[Any]) -> dict[str, list[Any]]:
    """In force, with a total, grouped by instrument (``display_order``)."""
    groups: dict[str, list[Any]] = {}
    for response in sorted(current(responses), key=lambda r: (r.submitted_at, r.pk)):
        if response.instrument in instruments.CATALOGUE:
            groups.setdefault(response.instrument, []).append(response)
    return dict(sorted(groups.items(), key=lambda item: display_order(item[0])))


def build(
    code: str,
    responses: Sequence[Any],
    *,
    caseness: int | None = None,
    session_dates: dict[int, date] | None = None,
    events: Sequence[tuple[date, str]] = (),
    chart_id: str = "",
    count: int | None = None,
    phases: Sequence[PhaseSpan] = (),
) -> Chart:
    """One instrument's chart from its responses (oldest first, already in force).

    On dates, each score at its session's date (``session_dates``) or else the day
    it was given, its session number under the date. When every response carries a
    session number of one episode, the latest response per session counts.
    ``count``: how many scores there are when ``responses`` is a ``windowed`` one.
    """
    instrument = instruments.get(code)
    session_dates = session_dates or {}
    per_session = _per_session(responses)
    if per_session is not None:
        chosen = [per_session[n] for n in sorted(per_session)]
        table = [
            (r.session_number, session_dates.get(r.session_number) or _day(r), r.total, r.band)
            for r in chosen
        ]
    else:
        table = [(r.session_number, _day(r), r.total, r.band) for r in responses]
    points = [Point(day, total, band, session) for session, day, total, band in table]
    placed = [(day, label, day) for day, label in events]
    drawn = [Event(x, label) for _day_, label, x in placed]
    title = _("%(measure)s total over time") % {"measure": instrument.short_title}
    window = bool(count and count > len(points))
    baseline, points = (points[0], points[1:]) if window else (None, points)
    svg = render(
        title=title,
        maximum=instrument.max_total,
        bands=instrument.bands,
        caseness=caseness,
        points=points,
        events=drawn,
        chart_id=chart_id or f"chart-{code}",
        baseline=baseline,
        of=count,
        phases=phases,
    )
    frame = _frame(points, instrument.max_total, window=window)
    drawn_numbers = {number for number, _event in _visible(drawn, frame)}
    listed = [
        ListedEvent(n, day, label, n in drawn_numbers)
        for n, (day, label, _x) in enumerate(placed, start=1)
    ]
    sources = chosen if per_session is not None else list(responses)
    table_rows = [
        # Read only if loaded (CHART_FIELDS has it): never a query per row.
        replace(row, imported=getattr(source, "__dict__", {}).get("mode") == "imported")
        for row, source in zip(rows(table), sources, strict=True)
    ]
    count = max(count or 0, len(table_rows))
    return Chart(code, str(instrument.short_title), svg, table_rows, listed, caseness, count)


def _per_session(responses: Sequence[Any]) -> dict[int, Any] | None:
    contexts = {r.context_id for r in responses}
    if not responses or len(contexts) != 1 or any(r.session_number is None for r in responses):
        return None
    return {r.session_number: r for r in responses}  # later wins: oldest first in


def _day(response: Any) -> date:
    return timezone.localdate(response.submitted_at)


# ---------------------------------------------------------------- windows, chosen in SQL

WINDOW = 52  # a year of weekly scores after the baseline: what a chart shows by default
# What a chart reads of a response: never the answers, never the encrypted reason.
CHART_FIELDS = (
    "pk",
    "client_id",
    "context_id",
    "session_number",
    "instrument",
    "total",
    "band",
    "complete",
    "corrects_id",
    "submitted_at",
    "mode",
)


def window_text(shown: int, of: int, *, plain: bool = False) -> str:
    words = _("Showing the last %(last)s of %(n)s scores, plus your first.")
    if not plain:
        words = _("Showing the last %(last)s of %(n)s scores, plus the baseline.")
    return words % {
        "last": shown - 1,
        "n": of,
    }


def in_force(responses: QuerySet) -> QuerySet:
    """``current()`` in SQL, with the session axis' rule: the latest response per session counts.

    Corrected and incomplete responses drop out, and so does a response that a later
    one of the same episode, instrument and session replaces. A row number per
    session does that in one pass (a "no later one exists" test per row is
    quadratic in the length of the episode); responses without a session number
    each stand alone.
    """
    counted = responses.filter(
        complete=True,
        total__isnull=False,
        corrected_by__isnull=True,
        instrument__in=list(instruments.CATALOGUE),
    )
    alone = Case(When(session_number__isnull=True, then=F("pk")), default=Value(None))
    latest = counted.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("context_id"), F("instrument"), F("session_number"), alone],
            order_by=[F("submitted_at").desc(), F("pk").desc()],
        )
    ).filter(rank=1)
    return responses.model.objects.filter(pk__in=latest.values("pk")).only(*CHART_FIELDS)


@dataclass
class Series:
    code: str
    responses: list[Any]  # oldest first: the baseline, then the latest ``WINDOW``
    count: int  # every score in force, shown or not


def windowed(responses: QuerySet, last: int = WINDOW) -> list[Series]:
    """Each instrument's baseline and latest ``last`` scores, with how many there are: one query.

    Row numbers counted from both ends of each instrument's series pick the rows in
    the database (SQLite and PostgreSQL both have window functions), so a long
    history is never loaded to draw 53 points.
    """
    by_code = [F("instrument")]
    picked = (
        in_force(responses)
        .annotate(
            oldest=Window(RowNumber(), partition_by=by_code, order_by=[F("submitted_at"), F("pk")]),
            newest=Window(
                RowNumber(),
                partition_by=by_code,
                order_by=[F("submitted_at").desc(), F("pk").desc()],
            ),
            scores=Window(Count("pk"), partition_by=by_code),
        )
        .filter(Q(oldest=1) | Q(newest__lte=last))
        .order_by("submitted_at", "pk")
    )
    groups: dict[str, Series] = {}
    for response in picked:
        series = groups.setdefault(response.instrument, Series(response.instrument, [], 0))
        series.responses.append(response)
        series.count = response.scores
    return sorted(groups.values(), key=lambda series: display_order(series.code))


def history(responses: QuerySet, code: str) -> list[Any]:
    """Every score in force of one instrument, oldest first (the full-history page)."""
    return list(in_force(responses).filter(instrument=code).order_by("submitted_at", "pk"))
