"""The notes list, a note page and the episode overview with a long history.

The list is paged (newest first) and prints no note text; a note page loads only
the scores it shows; neither the queries nor the values decrypted grow with the
number of sessions or scores.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from rapport.ipt.models import FidelityRating, SessionNote
from tests.factories import signed_in
from tests.ipt.long_history import TEXT, add_scores, add_sessions
from tests.ipt.notes_helpers import url
from tests.page_cost import PageCost, page_cost

NOTE_TEXT = {
    name: f"Draft {name} of the session under way."
    for name in (
        "symptom_review",
        "suicidality_detail",
        "interval_events",
        "problem_area_work",
        "between_session_plan",
        "open_alerts_reason",
    )
}


def sessions_listed(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<th scope="row"><a href="[^"]+">Session (\d+)</a>', body)]


def list_page(cast: SimpleNamespace, query: str = "") -> str:
    response = signed_in(cast.therapist).get(url("ipt:notes", cast.episode) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def course_of_45(cast: SimpleNamespace) -> SimpleNamespace:
    """The draft session 1 of the cast, and 44 signed sessions after it."""
    add_sessions(cast.episode, range(2, 46))
    return cast


# --- paging ----------------------------------------------------------------------------------


def test_it_lists_twenty_notes_a_page_newest_first(course_of_45: SimpleNamespace) -> None:
    body = list_page(course_of_45)
    assert sessions_listed(body) == list(range(45, 25, -1))
    assert 'Sessions <span class="count">(45)</span>' in body
    assert "Write session 46" in body
    assert sessions_listed(list_page(course_of_45, "?page=2")) == list(range(25, 5, -1))
    assert sessions_listed(list_page(course_of_45, "?page=3")) == list(range(5, 0, -1))


def test_a_page_past_the_end_shows_the_last_and_a_bad_one_the_first(
    course_of_45: SimpleNamespace,
) -> None:
    assert sessions_listed(list_page(course_of_45, "?page=99")) == list(range(5, 0, -1))
    assert sessions_listed(list_page(course_of_45, "?page=last-one")) == list(range(45, 25, -1))


def test_the_pager_is_a_named_navigation_with_the_current_page_marked(
    course_of_45: SimpleNamespace,
) -> None:
    body = list_page(course_of_45, "?page=2")
    assert '<nav class="pagination" aria-label="Pages of session notes">' in body
    assert '<span aria-current="page">Page 2 of 3</span>' in body
    assert 'href="?page=1#sessions-heading" rel="prev"' in body
    assert 'href="?page=3#sessions-heading" rel="next"' in body


def test_a_short_course_has_no_pager(cast: SimpleNamespace) -> None:
    body = list_page(cast)
    assert sessions_listed(body) == [1]
    assert "Pages of session notes" not in body


def test_adherence_counts_every_session_not_only_the_page(course_of_45: SimpleNamespace) -> None:
    body = list_page(course_of_45, "?page=3")
    # 44 signed sessions self-rated; the cast's draft session 1 is held but not rated.
    assert "Self-rated for 44 of 45 sessions held." in body
    assert "100% yes, 0% partly" in body  # in phase
    assert "0% yes, 100% partly" in body  # on focus
    assert "Clarification: 44 sessions" in body
    assert "Role play: 22 sessions" in body  # the odd sessions 3 to 45


# --- what each page costs, with 3 sessions and with 330 -------------------------------------


@pytest.fixture
def course(cast: SimpleNamespace) -> SimpleNamespace:
    """Sessions 1–3 signed with scores; the draft under way is session 1000, text written."""
    SessionNote.objects.filter(pk=cast.note.pk).update(number=1000)
    cast.note.refresh_from_db()
    for name, text in NOTE_TEXT.items():
        setattr(cast.note, name, text)
    cast.note.save()
    FidelityRating.objects.create(note=cast.note, in_phase="yes", on_focus="yes", comment=TEXT)
    add_sessions(cast.episode, range(1, 4))
    add_scores(cast.episode, range(1, 4))
    cast.signed = SessionNote.objects.get(episode=cast.episode, number=2)
    return cast


def grow(cast: SimpleNamespace) -> None:
    """327 more signed sessions, each with a PHQ-9 and a GAD-7 (every fifth PHQ-9 corrected)."""
    add_sessions(cast.episode, range(4, 331))
    add_scores(cast.episode, range(4, 331))


def costs(cast: SimpleNamespace) -> dict[str, PageCost]:
    http = signed_in(cast.therapist)
    return {
        "list": page_cost(http, url("ipt:notes", cast.episode)),
        "draft": page_cost(http, url("ipt:note", cast.note)),
        "signed": page_cost(http, url("ipt:note", cast.signed)),
        "overview": page_cost(http, url("ipt:episode", cast.episode)),
    }


# Queries shared by every page below (the signed-in request and its session):
# 1 session, 2 user, 3 OTP device, 4 clinic (time zone), 5 savepoint (atomic request),
# 6 roles, ... the page's own ..., then release, session save (idle clock) in
# savepoint/update/release: 4 more. The episode layout adds 3: latest contract,
# sessions held, may edit.
PINNED = {
    # 7 episode with client, 8 audit insert, 9 page count, 10 course aggregate (last
    # number, held, ratings, techniques), 11–13 layout, 14 the page of 20 notes: none of
    # their text. Decrypted: nothing (the page prints numbers, dates and states).
    "list": PageCost(queries=18, decrypted=0),
    # 7 note with episode, client, clinic and people, 8 audit insert, 9–11 layout,
    # 12 self-rating, 13 addenda, 14 reviews, 15 open alerts, 16 alerts acknowledged
    # here, 17 safety plan, 18 tasks done (codes only), 19 each measure's baseline,
    # previous and latest score (one windowed query), 20 schedule, 21 thresholds,
    # 22 advisories; the practice panels: 23 neighbouring notes (the review's window),
    # 24 the window's latest mood ratings, 25 its worksheets (count; none here to page),
    # 26 the contract acknowledged in the portal since, 27 practice assigned now.
    # Decrypted: the six text fields in the form and the rating's comment.
    "draft": PageCost(queries=31, decrypted=7),
    # As the draft to 18, then 19 each measure's latest score since signing; the slot
    # itself is the signed snapshot; then the five practice-panel queries. Decrypted: six text
    # fields, the snapshot, the comment.
    "signed": PageCost(queries=28, decrypted=8),
    # 7 episode with client, 8 audit insert, 9 checklist (done or not, not its notes),
    # 10–12 layout. Decrypted: nothing (no free text is shown on the overview).
    "overview": PageCost(queries=16, decrypted=0),
}


def test_no_page_costs_more_with_a_long_history(course: SimpleNamespace) -> None:
    short = costs(course)
    grow(course)
    assert costs(course) == short
    assert short == PINNED


def test_a_note_signed_before_snapshots_costs_the_same_with_a_long_history(
    course: SimpleNamespace,
) -> None:
    SessionNote.objects.filter(pk=course.signed.pk).update(signed_snapshot="")
    http = signed_in(course.therapist)
    short = page_cost(http, url("ipt:note", course.signed))
    grow(course)
    assert page_cost(http, url("ipt:note", course.signed)) == short
    # As the signed note to 18, then 19–22 the slot rebuilt as of the session day (its
    # scores, schedule, thresholds, the advisory then), 23 the latest scores since and
    # 24–28 the practice panels with the contract's acknowledgement. Decrypted: the six
    # text fields and the comment (there is no snapshot).
    assert short == PageCost(queries=32, decrypted=7)


# --- what the pages show from a long history -------------------------------------------------


def score_row(body: str, title: str) -> list[str]:
    row = re.search(rf'<th scope="row">{title}</th>(.*?)</tr>', body, re.S)
    assert row, f"no {title} row"
    return re.findall(r"<strong>(\d+)</strong>", row.group(1))


def test_a_draft_shows_the_baseline_previous_and_corrected_latest_score(
    course: SimpleNamespace,
) -> None:
    grow(course)
    body = signed_in(course.therapist).get(url("ipt:note", course.note)).content.decode()
    # PHQ-9 is 5 + session mod 15: session 1 scored 6, 329 scored 19, and 330's
    # 5 was corrected to 4 (the correction, not the original, is in force).
    assert score_row(body, "PHQ-9") == ["6", "19", "4"]


def test_a_signed_note_shows_only_the_latest_scores_since_signing(
    course: SimpleNamespace,
) -> None:
    grow(course)
    body = signed_in(course.therapist).get(url("ipt:note", course.signed)).content.decode()
    since = body[body.index('id="since-signing-heading"') :]
    assert "PHQ-9: <strong>4</strong>" in since
    assert "(session 330)" in since
    assert "session 329" not in since
