"""Outcome charts read by date with session numbers under the dates, the IPT phases shaded,
and a baseline label that never sits on a score."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from rapport.ipt import chart_phases
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import SessionNote
from rapport.measures import charts, instruments
from tests.factories import make_note, signed_in
from tests.measures.charts_helpers import add_series

SVG = "{http://www.w3.org/2000/svg}"
PHQ9 = instruments.get("phq9")
DAY1 = date(2026, 9, 1)
PHASES = [
    charts.PhaseSpan("initial", "Initial", DAY1, DAY1 + timedelta(weeks=3)),
    charts.PhaseSpan("middle", "Middle", DAY1 + timedelta(weeks=3), DAY1 + timedelta(weeks=9)),
    charts.PhaseSpan(
        "termination", "Termination", DAY1 + timedelta(weeks=9), DAY1 + timedelta(weeks=13)
    ),
]


def _weekly(*totals: int) -> list[charts.Point]:
    return [
        charts.Point(DAY1 + timedelta(weeks=n), total, session=n + 1)
        for n, total in enumerate(totals)
    ]


def _draw(points: list[charts.Point], **options: object) -> ET.Element:
    svg = charts.render(
        title="PHQ-9 total over time",
        maximum=PHQ9.max_total,
        bands=PHQ9.bands,
        caseness=10,
        points=points,
        **options,
    )
    return ET.fromstring(svg)  # noqa: S314  (our own output)


def _texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{SVG}text") if t.get("class") == cls]


def test_the_x_axis_reads_dates_with_session_numbers_under_them() -> None:
    root = _draw(_weekly(18, 16, 15, 12))
    ticks = [t.text for t in _texts(root, "tick")]
    assert ticks == ["Sep 1", "Sep 8", "Sep 15", "Sep 22"]
    assert [t.text for t in _texts(root, "tick-session")] == ["s1", "s2", "s3", "s4"]
    axis = [t.text for t in root.iter(f"{SVG}text") if t.text == "Date (session number below)"]
    assert axis == ["Date (session number below)"]
    # A secondary label stands under its date.
    for tick, session in zip(_texts(root, "tick"), _texts(root, "tick-session"), strict=True):
        assert tick.get("x") == session.get("x")
        assert float(session.get("y")) > float(tick.get("y"))


def test_it_shades_each_phase_over_its_dates_and_names_it() -> None:
    root = _draw(_weekly(18, 16, 15, 12, 11, 10, 9, 8, 8, 7, 6, 6), phases=PHASES)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "phase"]
    assert [g.get("data-phase") for g in groups] == ["initial", "middle", "termination"]
    assert [g.find(f"{SVG}title").text for g in groups] == ["Initial", "Middle", "Termination"]
    rects = [g.find(f"{SVG}rect") for g in groups]
    edges = [(float(r.get("x")), float(r.get("x")) + float(r.get("width"))) for r in rects]
    for (_a0, a1), (b0, _b1) in itertools.pairwise(edges):
        assert abs(a1 - b0) < 0.05  # contiguous, no gap, no overlap
    assert edges[0][0] >= charts.LEFT
    assert edges[-1][1] <= charts.LEFT + charts.PLOT_W + 0.01  # clipped to the plot
    # Initial and termination shaded, the middle clear: readable in greyscale.
    assert [float(r.get("fill-opacity")) for r in rects] == [0.09, 0.0, 0.09]
    desc = root.find(f"{SVG}desc").text
    assert "Initial phase from" in desc
    assert "Termination phase from" in desc


def test_phases_outside_the_axis_are_not_drawn() -> None:
    late = [charts.PhaseSpan("termination", "Termination", date(2027, 6, 1), date(2027, 7, 1))]
    root = _draw(_weekly(18, 16), phases=late)
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "phase"]


def _baseline_box(root: ET.Element) -> tuple[float, float, float, float]:
    (label,) = _texts(root, "baseline-label")
    x, y = float(label.get("x")), float(label.get("y"))
    return charts.text_box(label.text, x, y, label.get("text-anchor"))


def _score_centres(root: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{SVG}circle")
        if c.get("class") == "score"
    ]


def test_the_baseline_label_moves_off_a_last_score_that_has_not_moved() -> None:
    """The old label sat at the right end of the line: on the latest score when unchanged."""
    root = _draw(_weekly(16, 17, 15, 16))
    left, top, right, bottom = _baseline_box(root)
    for x, y in _score_centres(root):
        assert not (left - 4 < x < right + 4 and top - 4 < y < bottom + 4), (x, y)


@given(st.lists(st.integers(min_value=0, max_value=27), min_size=1, max_size=30))
def test_the_baseline_label_never_covers_a_score_when_there_is_room(totals: list[int]) -> None:
    root = _draw(_weekly(*totals))
    left, top, right, bottom = _baseline_box(root)
    inside = [
        (x, y)
        for x, y in _score_centres(root)
        if left - 4 < x < right + 4 and top - 4 < y < bottom + 4
    ]
    crowded = len(totals) > 12  # a dense, tangled chart may leave no gap on either side
    assert crowded or not inside


# ---------------------------------------------------------------- phases from the episode


def test_phase_spans_come_from_the_notes_of_the_episode(cast: SimpleNamespace) -> None:
    # cast.note is session 1 on the episode's start; add the rest of a short course.
    plan = [(2, Phase.INITIAL), (3, Phase.MIDDLE), (4, Phase.MIDDLE), (5, Phase.TERMINATION)]
    for number, phase in plan:
        note = make_note(cast.episode, number, held_on=DAY1 + timedelta(weeks=number - 1))
        SessionNote.objects.filter(pk=note.pk).update(phase=phase)
    first = SessionNote.objects.get(episode=cast.episode, number=1)
    SessionNote.objects.filter(pk=first.pk).update(phase=Phase.INITIAL, held_on=DAY1)
    spans = chart_phases.for_episode(cast.episode)
    assert [(s.key, s.start, s.end) for s in spans] == [
        ("initial", DAY1, DAY1 + timedelta(weeks=2)),
        ("middle", DAY1 + timedelta(weeks=2), DAY1 + timedelta(weeks=4)),
        ("termination", DAY1 + timedelta(weeks=4), DAY1 + timedelta(weeks=5)),
    ]
    assert chart_phases.for_context(cast.client, cast.episode.public_id) == spans
    assert chart_phases.for_context(cast.colleague_client, cast.episode.public_id) == []


@pytest.mark.parametrize("where", ["episode", "client"])
def test_both_chart_pages_shade_the_phases(cast: SimpleNamespace, where: str) -> None:
    for number in range(2, 5):
        note = make_note(cast.episode, number, held_on=DAY1 + timedelta(weeks=number - 1))
        SessionNote.objects.filter(pk=note.pk).update(phase=Phase.MIDDLE)
    SessionNote.objects.filter(episode=cast.episode, number=1).update(
        phase=Phase.INITIAL, held_on=DAY1
    )
    add_series(cast.client, [18, 16, 15, 14], cast.episode.public_id)
    url = (
        reverse("ipt:measures", args=[cast.episode.public_id])
        if where == "episode"
        else reverse("clients:clinical", args=[cast.client.public_id])
    )
    html = signed_in(cast.therapist).get(url).content.decode()
    assert 'class="phase" data-phase="initial"' in html
    assert 'class="phase" data-phase="middle"' in html
    assert 'class="tick-session"' in html
