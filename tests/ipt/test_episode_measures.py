"""The episode's outcome charts and the note's baseline / previous / latest scores."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.ipt.models import SessionNote, TimelineEvent
from tests.factories import make_note, signed_in
from tests.measures.charts_helpers import add_flag, add_response, add_series

SVG = "{http://www.w3.org/2000/svg}"


def with_sessions(cast: SimpleNamespace, count: int) -> None:
    """Notes 2..count after the cast's draft note 1, a week apart."""
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    for number in range(2, count + 1):
        make_note(cast.episode, number, held_on=date(2026, 9, 1) + timedelta(weeks=number - 1))


def note_page(cast: SimpleNamespace, number: int) -> str:
    note = cast.episode.notes.get(number=number)
    return (
        signed_in(cast.therapist).get(reverse("ipt:note", args=[note.public_id])).content.decode()
    )


def test_it_shows_baseline_previous_and_latest_scores_in_the_note(cast: SimpleNamespace) -> None:
    with_sessions(cast, 4)
    add_series(cast.client, [18, 15, 11, 9], cast.episode.public_id)
    body = note_page(cast, 4)
    table = body[body.index("Scores: baseline, previous and latest") :]
    table = table[: table.index("</table>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in table.split("<strong")[1:]]
    assert cells == ["18", "11", "9"]
    assert "-9 from baseline" in table
    assert "reliable improvement" in table
    assert "response (≥50% reduction)" in table


def test_it_counts_only_scores_before_the_session(cast: SimpleNamespace) -> None:
    with_sessions(cast, 4)
    SessionNote.objects.filter(number=3).update(status=SessionNote.Status.DRAFT)
    add_series(cast.client, [18, 15, 11, 9], cast.episode.public_id)
    body = note_page(cast, 3)
    table = body[body.index("Scores: baseline, previous and latest") : body.index("</table>")]
    assert "<strong>9</strong>" not in table
    assert "<strong>11</strong>" in table


def test_it_keeps_the_empty_state_without_scores(cast: SimpleNamespace) -> None:
    assert "No measures yet." in note_page(cast, 1)


def test_it_shows_the_not_on_track_advisory_in_the_next_note(cast: SimpleNamespace) -> None:
    with_sessions(cast, 5)
    responses = add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)
    add_flag(responses[-1], ["At session 4 the score has changed by -1 since baseline."])
    body = note_page(cast, 5)
    assert "Not on track (advisory)" in body
    assert "At session 4 the score has changed by -1 since baseline." in body
    # Plain words first; the rule's version only behind "Which rule raised this".
    assert "Rule nottrack-rule-1" not in body
    assert "Which rule raised this</summary>" in body
    assert "The not-on-track outcome rule, version nottrack-rule-1." in body


def measures_page(cast: SimpleNamespace, user=None):
    http = signed_in(user or cast.therapist)
    return http.get(reverse("ipt:measures", args=[cast.episode.public_id]))


def test_it_charts_the_episode_with_its_timeline_events(cast: SimpleNamespace) -> None:
    with_sessions(cast, 3)
    add_series(cast.client, [18, 15, 11], cast.episode.public_id)
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 9, 11), title="Argument with sister"
    )
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2025, 2, 1), title="Loss of job"
    )
    body = measures_page(cast).content.decode()
    start = body.index('<svg xmlns="http://www.w3.org/2000/svg"')
    root = ET.fromstring(body[start : body.index("</svg>", start) + 6])  # noqa: S314
    (marker,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "event"]
    assert marker.find(f"{SVG}title").text == "Argument with sister"
    assert "Loss of job" in body  # listed beside the chart, outside the span of the scores
    assert "outside the span of the scores; not drawn" in body
    assert "PHQ-9 scores (data table)" in body


def test_it_keeps_the_episode_chart_queries_flat(cast: SimpleNamespace) -> None:
    with_sessions(cast, 3)
    add_series(cast.client, [18, 15, 11], cast.episode.public_id)
    measures_page(cast)
    with CaptureQueriesContext(connection) as few:
        measures_page(cast)
    with_more = [
        add_response(cast.client, 9, session=n, context_id=cast.episode.public_id)
        for n in range(4, 16)
    ]
    add_series(cast.client, [12, 10, 8], cast.episode.public_id, code="gad7")
    TimelineEvent.objects.create(episode=cast.episode, occurred_on=date(2026, 9, 9), title="x")
    with CaptureQueriesContext(connection) as many:
        measures_page(cast)
    assert len(with_more) == 12
    assert len(many) == len(few)
