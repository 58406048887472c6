"""The episode's measures tab at any length of history: its responses paged, its charts windowed,
a full-history page per measure, and a page cost that does not grow with the episode."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from rapport.ipt.models import TimelineEvent
from rapport.measures.models import Response
from tests.factories import make_client, make_episode, signed_in
from tests.ipt.test_episode_measures import with_sessions
from tests.measures.charts_helpers import START, add_flag, add_history, add_response
from tests.page_cost import PageCost, page_cost


def tab(cast: SimpleNamespace, query: str = "", episode: Any = None) -> Any:
    url = reverse("ipt:measures", args=[(episode or cast.episode).public_id])
    return signed_in(cast.therapist).get(url + query)


def corner_cases(client: Any, context: Any, therapist: Any, session: int) -> dict[str, Response]:
    """A corrected response and its correction, an incomplete one and its completion."""
    when = START + timedelta(weeks=session)

    def add(**fields: Any) -> Response:
        fields.setdefault("total", None)
        return Response.objects.create(
            clinic_id=client.clinic_id,
            client=client,
            context_id=context,
            session_number=session,
            instrument="phq9",
            instrument_version="1",
            answers={},
            mode=Response.Mode.IN_SESSION,
            entered_by=therapist,
            **fields,
        )

    wrong = add(total=3, band="Minimal", submitted_at=when)
    fixed = add(total=13, band="Moderate", corrects=wrong, submitted_at=when + timedelta(hours=1))
    partial = add(complete=False, submitted_at=when + timedelta(hours=2))
    rest = add(total=15, band="Moderate", completes=partial, submitted_at=when + timedelta(hours=3))
    return {"wrong": wrong, "fixed": fixed, "partial": partial, "rest": rest}


def test_it_pages_the_responses_newest_first(cast: SimpleNamespace) -> None:
    add_history(cast.client, cast.episode.public_id, 60)
    response = tab(cast)
    page = response.context["responses"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (1, 3, 25)
    assert [r.session_number for r in page.object_list[:2]] == [60, 59]
    body = response.content.decode()
    assert '<nav class="pagination" aria-label="Pages of responses">' in body
    assert '<span aria-current="page">Page 1 of 3</span>' in body
    assert 'href="?page=2#responses-heading" rel="next"' in body
    second = tab(cast, "?page=2").context["responses"].object_list
    assert [r.session_number for r in second[:1]] == [35]
    assert tab(cast, "?page=99").context["responses"].number == 3  # past the end: the last
    assert tab(cast, "?page=abc").context["responses"].number == 1


def test_it_shows_corrections_and_completions_on_the_page_without_a_query_per_row(
    cast: SimpleNamespace,
) -> None:
    rows = corner_cases(cast.client, cast.episode.public_id, cast.therapist, session=2)
    body = tab(cast).content.decode()
    corrected = body[body.index(str(rows["wrong"].public_id)) :]
    corrected = corrected[: corrected.index("</tr>")]
    assert "corrected</span>" in corrected
    assert "<td>PHQ-9</td>" in corrected
    assert "<del>3 (Minimal)</del> → 13" in corrected
    incomplete = body[body.index(str(rows["partial"].public_id)) :]
    incomplete = incomplete[: incomplete.index("</tr>")]
    assert "incomplete</span>" in incomplete
    completion_url = reverse("measures:response", args=[rows["rest"].public_id])
    assert f'<a href="{completion_url}">completed later</a>' in incomplete
    assert body.count(">correction</span>") == 1
    assert body.count(">completion</span>") == 1


def test_it_windows_the_episode_charts_and_links_their_full_history(cast: SimpleNamespace) -> None:
    add_history(cast.client, cast.episode.public_id, 300)
    body = tab(cast).content.decode()
    assert "Showing the last 52 of 300 scores, plus the baseline." in body
    history = reverse("ipt:measures_history", args=[cast.episode.public_id, "phq9"])
    assert f'href="{history}"' in body
    table = body[body.index("PHQ-9 scores (data table)") :]
    assert table[: table.index("</table>")].count("<tr>") == 1 + 53  # head, baseline, 52


def test_the_episode_history_shows_every_score_with_events_and_pages_its_table(
    cast: SimpleNamespace,
) -> None:
    with_sessions(cast, 3)
    add_history(cast.client, cast.episode.public_id, 120)
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 9, 11), title="Argument with sister"
    )
    url = reverse("ipt:measures_history", args=[cast.episode.public_id, "phq9"])
    http = signed_in(cast.therapist)
    response = http.get(url)
    body = response.content.decode()
    assert "PHQ-9: every score in this episode" in body
    assert body.count('class="score"') == 120
    assert "Argument with sister" in body
    page = response.context["page"]
    assert (page.paginator.num_pages, page.object_list[0].session) == (3, 120)
    assert http.get(url + "?page=3").context["page"].object_list[-1].is_baseline
    assert (
        http.get(reverse("ipt:measures_history", args=[cast.episode.public_id, "x"])).status_code
        == 404
    )


def _episode_with(cast: SimpleNamespace, sessions: int) -> Any:
    """A client of the therapist's with an episode, ``sessions`` weekly PHQ-9s and GAD-7s,
    the corner cases of the response table and a not-on-track flag."""
    client = make_client(cast.clinic, cast.therapist)
    episode = make_episode(client)
    context = episode.public_id
    add_history(client, context, sessions)
    add_history(client, context, sessions, code="gad7")
    corner_cases(client, context, cast.therapist, session=sessions + 1)
    add_flag(add_response(client, 9, session=sessions + 2, context_id=context))
    TimelineEvent.objects.create(episode=episode, occurred_on=date(2026, 9, 11), title="Move")
    return episode


def test_the_measures_tabs_cost_is_pinned_and_flat_with_history(cast: SimpleNamespace) -> None:
    small, large = _episode_with(cast, 3), _episode_with(cast, 320)
    http = signed_in(cast.therapist)
    cost = {e: page_cost(http, reverse("ipt:measures", args=[e.public_id])) for e in (small, large)}
    assert cost[small] == cost[large]
    # 1 session, 2 user, 3 OTP device, 4 clinic (time zone), 5 savepoint (atomic request),
    # 6 roles, 7 episode with its client, 8 audit insert (responses listed), 9 contract,
    # 10 sessions held, 11 may edit, 12 latest links, 13-14 schedule (rows, due),
    # 15 measures settings, 16 assigned therapist (link refusal), 17 count of responses,
    # 18 charts' windowed series (baseline + latest 52 per measure), 19 dates of the
    # sessions charted, 20 timeline events, 21 the phases (one grouped query of the
    # notes), 22 thresholds, 23 audit insert (outcomes viewed), 24 flags, 25 the page of
    # responses with corrections and completions joined in, 26 release, 27-29 session save.
    # One value decrypted: the timeline event's title marked on the charts.
    assert cost[small] == PageCost(queries=29, decrypted=1)
