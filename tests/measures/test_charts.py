"""The outcome chart (server-side SVG), its data table, and the client and dashboard panels."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.core.models import AuditEvent
from rapport.measures import charts, instruments
from rapport.measures.models import Response
from tests.factories import make_client, signed_in
from tests.measures.charts_helpers import START, add_flag, add_history, add_response, add_series
from tests.page_cost import PageCost, page_cost

SVG = "{http://www.w3.org/2000/svg}"
PHQ9 = instruments.get("phq9")


def draw(points: list[charts.Point], events: list[charts.Event] = (), caseness: int | None = 10):
    svg = charts.render(
        title="PHQ-9 total over time",
        maximum=PHQ9.max_total,
        bands=PHQ9.bands,
        caseness=caseness,
        points=points,
        events=events,
    )
    return svg, ET.fromstring(svg)  # noqa: S314  (our own output)


def parts(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == cls]


def sessions(*totals: int) -> list[charts.Point]:
    return [charts.Point(n, t) for n, t in enumerate(totals, start=1)]


# ---------------------------------------------------------------- the pure SVG


def test_it_draws_valid_svg_with_a_title_and_description() -> None:
    _svg, root = draw(sessions(18, 15, 11))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "PHQ-9 total over time"
    assert "Baseline 18; latest 11; 3 scores." in root.find(f"{SVG}desc").text
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == labelled


def test_it_shades_one_band_per_severity_band() -> None:
    _svg, root = draw(sessions(18, 15))
    bands = parts(root, "rect", "band")
    assert [b.get("data-band") for b in bands] == [str(b.label) for b in PHQ9.bands]
    heights = sum(float(b.get("height")) for b in bands)
    assert abs(heights - charts.PLOT_H) < 0.1  # the bands tile the whole 0–27 range


def test_it_puts_the_caseness_line_at_the_threshold() -> None:
    _svg, root = draw(sessions(18, 15), caseness=10)
    (line,) = parts(root, "line", "caseness")
    expected = charts.TOP + charts.PLOT_H * (1 - 10 / 27)
    assert float(line.get("y1")) == float(line.get("y2")) == round(expected, 2)


def test_it_omits_the_caseness_line_when_the_instrument_has_none() -> None:
    _svg, root = draw(sessions(18, 15), caseness=None)
    assert parts(root, "line", "caseness") == []


def test_it_marks_the_baseline_and_draws_every_score() -> None:
    _svg, root = draw(sessions(18, 15, 11, 9))
    assert len(parts(root, "circle", "score")) == 4
    (ring,) = parts(root, "circle", "baseline-point")
    (first, *_rest) = parts(root, "circle", "score")
    assert (ring.get("cx"), ring.get("cy")) == (first.get("cx"), first.get("cy"))
    (line,) = parts(root, "polyline", "scores")
    assert len(line.get("points").split()) == 4


def test_it_marks_events_on_the_same_axis_and_escapes_their_labels() -> None:
    events = [charts.Event(2.5, "Row with <partner> & family"), charts.Event(None, "Long ago")]
    svg, root = draw(sessions(18, 15, 11), events)
    (marker,) = parts(root, "g", "event")
    assert marker.find(f"{SVG}title").text == "Row with <partner> & family"
    assert marker.find(f"{SVG}text").text == "1"
    x = float(marker.find(f"{SVG}line").get("x1"))
    circles = parts(root, "circle", "score")
    assert float(circles[1].get("cx")) < x < float(circles[2].get("cx"))
    assert "<partner>" not in svg


def test_it_uses_no_style_attributes_or_scripts() -> None:
    svg, root = draw(sessions(18, 15), [charts.Event(1.5, "x")])
    assert all("style" not in e.attrib for e in root.iter())
    assert "<script" not in svg
    assert "style=" not in svg


def test_it_draws_a_date_axis() -> None:
    days = [date(2026, 9, 1) + timedelta(weeks=n) for n in range(3)]
    points = [charts.Point(d, t) for d, t in zip(days, [12, 9, 6], strict=True)]
    _svg, root = draw(points, [charts.Event(date(2026, 9, 10), "New job")])
    assert len(parts(root, "circle", "score")) == 3
    assert len(parts(root, "g", "event")) == 1


def test_it_draws_an_empty_chart_without_failing() -> None:
    _svg, root = draw([])
    assert "No scores yet." in root.find(f"{SVG}desc").text
    assert len(parts(root, "rect", "band")) == len(PHQ9.bands)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=27), min_size=0, max_size=30),
    st.lists(st.floats(min_value=-5, max_value=40, allow_nan=False), max_size=5),
)
def test_it_draws_any_series_inside_the_plot(totals: list[int], event_xs: list[float]) -> None:
    events = [charts.Event(x, f"event {n}") for n, x in enumerate(event_xs)]
    _svg, root = draw(sessions(*totals), events)
    scores = parts(root, "circle", "score")
    assert len(scores) == len(totals)
    for circle, total in zip(scores, totals, strict=True):
        assert charts.LEFT <= float(circle.get("cx")) <= charts.LEFT + charts.PLOT_W
        assert float(circle.get("cy")) == round(charts.TOP + charts.PLOT_H * (1 - total / 27), 2)
    for marker in parts(root, "g", "event"):
        x = float(marker.find(f"{SVG}line").get("x1"))
        assert charts.LEFT <= x <= charts.LEFT + charts.PLOT_W
    assert all("style" not in e.attrib for e in root.iter())


def test_it_places_a_date_between_sessions() -> None:
    dated = [(1, date(2026, 9, 1)), (2, date(2026, 9, 8)), (3, date(2026, 9, 22))]
    assert charts.session_position(date(2026, 9, 15), dated) == 2.5
    assert charts.session_position(date(2026, 9, 1), dated) == 1.0
    assert charts.session_position(date(2026, 8, 1), dated) is None
    assert charts.session_position(date(2026, 10, 1), dated) is None


def test_it_tabulates_change_from_baseline() -> None:
    rows = charts.rows([(1, None, 18, "a"), (2, None, 15, "b"), (3, None, 20, "c")])
    assert [(r.change, r.is_baseline) for r in rows] == [(None, True), (-3, False), (2, False)]


# ---------------------------------------------------------------- from responses


def test_it_charts_a_correction_instead_of_the_response_it_corrects(cast: SimpleNamespace) -> None:
    context = cast.episode.public_id
    first = add_response(cast.client, 18, session=1, context_id=context)
    wrong = add_response(cast.client, 3, session=2, context_id=context)
    add_response(cast.client, 13, session=2, context_id=context, corrects=wrong)
    series = charts.by_instrument(list(cast.client.responses.all()))["phq9"]
    chart = charts.build("phq9", series, caseness=10)
    assert [(r.session, r.total, r.change) for r in chart.rows] == [(1, 18, None), (2, 13, -5)]
    assert series[0] == first


def test_it_lists_events_it_cannot_place(cast: SimpleNamespace) -> None:
    add_series(cast.client, [18, 15, 11], cast.episode.public_id)
    dates = {1: date(2026, 9, 1), 2: date(2026, 9, 8), 3: date(2026, 9, 15)}
    chart = charts.build(
        "phq9",
        list(cast.client.responses.all()),
        caseness=10,
        session_dates=dates,
        events=[(date(2025, 1, 1), "Onset"), (date(2026, 9, 10), "Argument")],
    )
    assert [(e.number, e.label, e.drawn) for e in chart.events] == [
        (1, "Onset", False),
        (2, "Argument", True),
    ]
    assert chart.rows[1].day == date(2026, 9, 8)


# ---------------------------------------------------------------- the client's outcomes panel


def clinical(cast: SimpleNamespace, user=None, client=None):
    http = signed_in(user or cast.therapist)
    return http.get(reverse("clients:clinical", args=[(client or cast.client).public_id]))


def test_it_shows_each_measure_with_its_data_table_on_the_clinical_page(
    cast: SimpleNamespace,
) -> None:
    add_series(cast.client, [18, 15, 11], cast.episode.public_id)
    add_series(cast.client, [12, 10], cast.episode.public_id, code="gad7")
    body = clinical(cast).content.decode()
    assert "Outcome measures" in body
    assert body.count('role="img"') == 2
    for text in ("PHQ-9 scores (data table)", "GAD-7 scores (data table)"):
        assert text in body
    for text in ("caseness threshold 10", "caseness threshold 8"):
        assert text in body
    assert AuditEvent.objects.filter(action="measures.outcomes.viewed").count() == 1


def test_it_uses_the_clinics_caseness_threshold(cast: SimpleNamespace) -> None:
    from rapport.measures.models import MeasuresSettings

    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"thresholds": {"phq9": {"caseness": 12}}}
    )
    add_series(cast.client, [18, 15], cast.episode.public_id)
    assert "caseness threshold 12" in clinical(cast).content.decode()


def test_it_shows_an_empty_state_without_scores(cast: SimpleNamespace) -> None:
    assert "No questionnaire scores yet." in clinical(cast).content.decode()


def test_it_shows_the_supervisor_the_supervisees_chart(cast: SimpleNamespace) -> None:
    add_series(cast.client, [18, 15], cast.episode.public_id)
    assert 'role="img"' in clinical(cast, cast.supervisor).content.decode()


def test_it_keeps_the_panel_query_count_flat(cast: SimpleNamespace) -> None:
    def count(client) -> int:
        http = signed_in(cast.therapist)
        url = reverse("clients:clinical", args=[client.public_id])
        http.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    small = make_client(cast.clinic, cast.therapist)
    large = make_client(cast.clinic, cast.therapist)
    add_series(small, [18, 15, 11], uuid.uuid4())
    context = uuid.uuid4()
    add_series(large, list(range(20, 4, -1)), context)
    add_series(large, list(range(15, 3, -1)), context, code="gad7")
    add_flag(small.responses.last())
    add_flag(large.responses.last())
    assert count(small) == count(large)


# ---------------------------------------------------------------- not-on-track advisories


DASHBOARD = reverse("core:dashboard")


def test_it_advises_the_therapist_on_the_dashboard_with_reasons_and_rule(
    cast: SimpleNamespace,
) -> None:
    responses = add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)
    add_flag(responses[-1], ["no reliable or 25 % improvement by session 4"])
    body = signed_in(cast.therapist).get(DASHBOARD).content.decode()
    assert "Clients not on track" in body
    assert "no reliable or 25 % improvement by session 4" in body
    # The rule that fired is there for those who ask, behind plain words.
    assert "Which rule raised this" in body
    assert "The not-on-track outcome rule, version" in body
    assert cast.client.display_name in body
    assert AuditEvent.objects.filter(action="measures.flags.viewed").exists()


def test_it_shows_the_advisory_only_within_clinical_reach(cast: SimpleNamespace) -> None:
    add_flag(add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)[-1])
    for user in (cast.colleague, cast.intake, cast.admin, cast.outsider):
        body = signed_in(user).get(DASHBOARD).content.decode()
        assert "Clients not on track" not in body, user.username
    assert "Clients not on track" in signed_in(cast.supervisor).get(DASHBOARD).content.decode()


def test_it_hides_flags_that_are_no_longer_active(cast: SimpleNamespace) -> None:
    flag = add_flag(add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)[-1])
    flag.active = False
    flag.save()
    assert "Clients not on track" not in signed_in(cast.therapist).get(DASHBOARD).content.decode()


def test_it_keeps_the_dashboard_query_count_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    add_flag(add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)[-1])
    http.get(DASHBOARD)
    with CaptureQueriesContext(connection) as few:
        http.get(DASHBOARD)
    for _n in range(5):
        other = make_client(cast.clinic, cast.therapist)
        add_flag(add_series(other, [16, 16, 15, 15], uuid.uuid4())[-1])
    with CaptureQueriesContext(connection) as many:
        body = http.get(DASHBOARD).content.decode()
    assert body.count("Which rule raised this") == 6
    assert len(many) == len(few)


# ---------------------------------------------------------------- windows and full history


def test_it_windows_each_measure_to_its_baseline_and_latest_52_in_one_query(
    cast: SimpleNamespace, django_assert_num_queries
) -> None:
    context = cast.episode.public_id
    add_history(cast.client, context, 300)
    add_history(cast.client, context, 10, code="gad7")
    with django_assert_num_queries(1):
        series = charts.windowed(cast.client.responses.all())
    phq9, gad7 = series
    assert (phq9.code, phq9.count, len(phq9.responses)) == ("phq9", 300, 53)
    assert [r.session_number for r in phq9.responses] == [1, *range(249, 301)]
    assert (gad7.code, gad7.count) == ("gad7", 10)
    assert [r.session_number for r in gad7.responses] == list(range(1, 11))


def test_it_leaves_corrected_incomplete_and_replaced_scores_out_of_the_window(
    cast: SimpleNamespace,
) -> None:
    context = cast.episode.public_id
    add_response(cast.client, 18, session=1, context_id=context)
    wrong = add_response(cast.client, 3, session=2, context_id=context)
    add_response(cast.client, 13, session=2, context_id=context, corrects=wrong)
    add_response(cast.client, 12, session=3, context_id=context)
    later = START + timedelta(weeks=2, hours=1)
    add_response(cast.client, 11, session=3, context_id=context, when=later)  # asked again
    Response.objects.bulk_create(
        [
            Response(
                clinic=cast.clinic,
                client=cast.client,
                context_id=context,
                session_number=4,
                instrument="phq9",
                instrument_version="1",
                answers={},
                complete=False,
                mode=Response.Mode.IN_SESSION,
                submitted_at=START + timedelta(weeks=3),
            )
        ]
    )
    (phq9,) = charts.windowed(cast.client.responses.all())
    assert [(r.session_number, r.total) for r in phq9.responses] == [(1, 18), (2, 13), (3, 11)]
    assert phq9.count == 3
    python = charts.by_instrument(list(cast.client.responses.all()))["phq9"]
    chart = charts.build("phq9", python)
    assert [(r.session, r.total) for r in chart.rows] == [(1, 18), (2, 13), (3, 11)]


def test_it_says_when_a_chart_shows_a_window(cast: SimpleNamespace) -> None:
    add_history(cast.client, cast.episode.public_id, 300)
    (phq9,) = charts.windowed(cast.client.responses.all())
    chart = charts.build("phq9", phq9.responses, count=phq9.count)
    root = ET.fromstring(chart.svg)  # noqa: S314  (our own output)
    text = "Showing the last 52 of 300 scores, plus the baseline."
    assert text in root.find(f"{SVG}desc").text
    assert chart.window_text == text
    assert len(chart.rows) == 53  # the table: the baseline and the latest 52
    # The chart: the latest 52 across the whole width, the baseline as its reference line.
    scores = parts(root, "circle", "score")
    assert len(scores) == 52
    assert float(scores[0].get("cx")) < charts.LEFT + charts.PLOT_W * 0.1
    assert parts(root, "circle", "baseline-point") == []
    (label,) = [t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("baseline")]
    assert label.text == f"baseline 7 ({charts._day_text(START.date())}, session 1)"
    assert chart.rows[0].is_baseline
    assert chart.rows[1].session == 249


def test_it_says_nothing_of_a_window_when_every_score_is_shown(cast: SimpleNamespace) -> None:
    add_history(cast.client, cast.episode.public_id, 53)
    (phq9,) = charts.windowed(cast.client.responses.all())
    chart = charts.build("phq9", phq9.responses, count=phq9.count)
    assert (len(chart.rows), chart.thinned, chart.window_text) == (53, False, "")
    assert "Showing the last" not in chart.svg


def test_it_charts_the_current_episode_on_the_clinical_page(cast: SimpleNamespace) -> None:
    earlier = uuid.uuid4()
    add_history(cast.client, earlier, 30)  # an earlier course, scored weekly
    later = START + timedelta(weeks=40)
    for n, total in enumerate([16, 12, 9], start=1):
        add_response(
            cast.client,
            total,
            session=n,
            context_id=cast.episode.public_id,
            when=later + timedelta(weeks=n),
        )
    body = clinical(cast).content.decode()
    assert "Baseline 16; latest 9; 3 scores." in body
    assert "Showing the last" not in body
    history = reverse("measures:score_history", args=[cast.client.public_id, "phq9"])
    assert f'href="{history}"' in body
    assert "Full history of PHQ-9" in body


def test_it_windows_the_clinical_pages_charts_and_tables(cast: SimpleNamespace) -> None:
    add_history(cast.client, cast.episode.public_id, 300)
    body = clinical(cast).content.decode()
    assert "Showing the last 52 of 300 scores, plus the baseline." in body
    table = body[body.index("PHQ-9 scores (data table)") :]
    assert table[: table.index("</table>")].count("<tr>") == 1 + 53  # head + rows


def history_page(cast: SimpleNamespace, query: str = "", user=None):
    url = reverse("measures:score_history", args=[cast.client.public_id, "phq9"])
    return signed_in(user or cast.therapist).get(url + query)


def test_its_full_history_shows_every_episode_and_pages_the_table(cast: SimpleNamespace) -> None:
    add_history(cast.client, uuid.uuid4(), 70)
    add_history(cast.client, cast.episode.public_id, 50, first=71)
    response = history_page(cast)
    body = response.content.decode()
    assert "Baseline 7; latest" in body  # session 1 scored 7
    assert "120 scores." in body
    assert body.count('class="score"') == 120  # the chart draws everything
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (1, 3, 50)
    assert page.object_list[0].day > page.object_list[-1].day  # newest first
    assert 'aria-current="page">Page 1 of 3' in body
    assert '<nav class="pagination" aria-label="Pages of scores">' in body
    last = history_page(cast, "?page=3").context["page"].object_list
    assert len(last) == 20
    assert last[-1].is_baseline
    assert history_page(cast, "?page=99").context["page"].number == 3
    assert history_page(cast, "?page=x").context["page"].number == 1
    assert AuditEvent.objects.filter(action="measures.outcomes.viewed").exists()


def test_its_full_history_is_404_outside_reach_and_for_unknown_measures(
    cast: SimpleNamespace,
) -> None:
    add_history(cast.client, cast.episode.public_id, 5)
    assert history_page(cast, user=cast.supervisor).status_code == 200
    for user in (cast.colleague, cast.outsider):
        assert history_page(cast, user=user).status_code == 404
    url = reverse("measures:score_history", args=[cast.client.public_id, "nope"])
    assert signed_in(cast.therapist).get(url).status_code == 404


def test_the_clinical_pages_cost_is_pinned_and_flat_with_history(cast: SimpleNamespace) -> None:
    small = make_client(cast.clinic, cast.therapist)
    large = make_client(cast.clinic, cast.therapist)
    add_series(small, [18, 15, 11], uuid.uuid4())
    add_history(large, uuid.uuid4(), 40)  # an earlier episode
    context = uuid.uuid4()
    add_history(large, context, 320, first=41)
    add_history(large, context, 60, code="gad7", first=41)
    wrong = add_response(
        large, 3, session=400, context_id=context, when=START + timedelta(weeks=500)
    )
    add_response(
        large,
        13,
        session=400,
        context_id=context,
        corrects=wrong,
        when=START + timedelta(weeks=501),
    )
    for client in (small, large):
        add_flag(client.responses.last())
    http = signed_in(cast.therapist)
    cost = {
        c: page_cost(http, reverse("clients:clinical", args=[c.public_id])) for c in (small, large)
    }
    assert cost[small] == cost[large]
    # 1 session, 2 user, 3 OTP device, 4 clinic (time zone), 5 savepoint (atomic request),
    # 6 roles, 7 client, 8 audit insert (background viewed), 9 may write clinically (the
    # edit link). Answers to "may … this client" are kept for the request: loading the
    # client answered "may read clinically" and 9 "may write", so the panels' and the
    # header's own asks cost nothing. 10 open alerts (safety banner), 11 safety plan,
    # 12 messages switched on (messages panel; its unread count only when on), 13 episodes
    # and 14 may start one (episodes panel), 15 episodes and 16 the latest held sessions
    # (documents panel: summaries, letters, superbills), 17 may read without break-glass
    # and 18 requests (full-record panel), then the charts: 19 the current episode (latest
    # response), 20 the windowed series (baseline + latest 52 per measure), 21 flags,
    # 22 audit insert (outcomes viewed), 23 thresholds, 24 the episode's phases (one
    # grouped query of its notes); the record's header: 25 the current episode, 26 the
    # next appointment, 27 open alerts, 28 the latest scores (their read already audited);
    # 29 release, 30-32 session save. Nothing is decrypted.
    assert cost[small] == PageCost(queries=32, decrypted=0)
