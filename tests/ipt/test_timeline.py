"""The timeline (§1.3 task 6): events linked to mood and people, one onset, scoped and audited."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.core.fields import update_sealed
from rapport.core.models import AuditEvent
from rapport.ipt.models import InventoryPerson, TimelineEvent
from tests.factories import csrf_post, make_client, make_episode, signed_in


def _url(name: str, cast: SimpleNamespace, **kwargs: Any) -> str:
    return reverse(name, kwargs={"public_id": cast.episode.public_id, **kwargs})


def _event_url(name: str, cast: SimpleNamespace, event: TimelineEvent) -> str:
    return _url(name, cast, event_id=event.public_id)


def _event(episode: Any, title: str = "Moved city", day: date = date(2026, 3, 1), **fields: Any):
    return TimelineEvent.objects.create(episode=episode, occurred_on=day, title=title, **fields)


def _data(**changes: Any) -> dict[str, Any]:
    data = {
        "occurred_on": "2026-04-10",
        "title": "Father died",
        "detail": "Sudden, in hospital",
        "mood": "worse",
        "is_onset": "on",
        "major_change": "",
    }
    return data | changes


def _edit(cast: SimpleNamespace, event: TimelineEvent, http: Any = None, **changes: Any) -> Any:
    http = http or signed_in(cast.therapist)
    url = _event_url("ipt:timeline_event_edit", cast, event)
    form = http.get(url).context["form"]
    return csrf_post(http, url, _data(fingerprint=form["fingerprint"].value(), **changes))


def test_it_explains_the_timeline_when_it_is_empty(cast: SimpleNamespace) -> None:
    html = signed_in(cast.therapist).get(_url("ipt:timeline", cast)).content.decode()
    assert "No events yet" in html
    assert "near the onset" in html
    assert _url("ipt:timeline_event_add", cast) in html


def test_it_adds_an_event_linked_to_people(cast: SimpleNamespace) -> None:
    dad = InventoryPerson.objects.create(episode=cast.episode, name="Dad", relationship="parent")
    url = _url("ipt:timeline_event_add", cast)
    response = csrf_post(signed_in(cast.therapist), url, _data(people=[dad.pk]))
    assert response.status_code == 302
    event = TimelineEvent.objects.get()
    assert (event.title, event.detail, event.mood) == (
        "Father died",
        "Sudden, in hospital",
        "worse",
    )
    assert event.is_onset is True
    assert list(event.people.all()) == [dad]
    audited = AuditEvent.objects.get(action="ipt.timeline_event.created")
    assert audited.object_id == str(event.public_id)
    assert {"title", "people", "is_onset"} <= set(audited.fields)
    assert "Father" not in str(audited.__dict__)


def test_it_lists_events_in_date_order_and_marks_the_onset_and_its_neighbours(
    cast: SimpleNamespace,
) -> None:
    _event(cast.episode, "Long ago", date(2020, 1, 1))
    _event(cast.episode, "Lost job", date(2026, 2, 1), major_change=True)
    _event(cast.episode, "Father died", date(2026, 4, 10), is_onset=True, mood="worse")
    _event(cast.episode, "Started running", date(2026, 5, 1), mood="better", approximate=True)
    page = signed_in(cast.therapist).get(_url("ipt:timeline", cast))
    entries = page.context["entries"]
    assert [e.event.title for e in entries] == [
        "Long ago",
        "Lost job",
        "Father died",
        "Started running",
    ]
    assert [e.is_onset for e in entries] == [False, False, True, False]
    assert [e.near_onset for e in entries] == [False, True, False, True]
    html = page.content.decode()
    assert "Onset of the current episode: 2026-04-10." in html
    assert html.count('class="badge badge-near"') == 2
    assert "about 2026-05-01" in html
    assert "Major life change" in html


def test_without_an_onset_the_episode_start_stands_in(cast: SimpleNamespace) -> None:
    _event(cast.episode, "Moved", date(2026, 8, 1))
    html = signed_in(cast.therapist).get(_url("ipt:timeline", cast)).content.decode()
    assert "the episode's start date (2026-09-01) stands in" in html


def test_it_says_the_earliest_onset_counts_if_several_are_marked(cast: SimpleNamespace) -> None:
    later = _event(cast.episode, "Later", date(2026, 6, 1), is_onset=True)
    earlier = _event(cast.episode, "Earlier", date(2026, 4, 1), is_onset=True)
    page = signed_in(cast.therapist).get(_url("ipt:timeline", cast))
    assert page.context["onset_event"] == earlier
    assert later != earlier
    assert "the earliest counts" in page.content.decode()


def test_it_refuses_a_second_onset_and_names_the_first(cast: SimpleNamespace) -> None:
    _event(cast.episode, "Father died", date(2026, 4, 10), is_onset=True)
    url = _url("ipt:timeline_event_add", cast)
    response = csrf_post(signed_in(cast.therapist), url, _data(title="Divorce"))
    assert response.status_code == 200
    assert "“Father died” (2026-04-10) already marks the onset" in response.content.decode()
    assert "Divorce" in response.content.decode()
    assert TimelineEvent.objects.count() == 1


def test_it_keeps_the_onset_when_editing_the_onset_event_itself(cast: SimpleNamespace) -> None:
    event = _event(cast.episode, "Father died", date(2026, 4, 10), is_onset=True)
    assert _edit(cast, event, detail="More detail").status_code == 302
    event.refresh_from_db()
    assert event.detail == "More detail"
    assert event.is_onset


def test_it_refuses_a_date_in_the_future(cast: SimpleNamespace) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    url = _url("ipt:timeline_event_add", cast)
    response = csrf_post(signed_in(cast.therapist), url, _data(occurred_on=tomorrow))
    assert "The date cannot be in the future." in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_it_requires_a_date_and_a_title(cast: SimpleNamespace) -> None:
    url = _url("ipt:timeline_event_add", cast)
    response = csrf_post(signed_in(cast.therapist), url, _data(occurred_on="", title=""))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"occurred_on", "title"}
    assert "Sudden, in hospital" in response.content.decode()


def test_it_offers_only_this_episodes_people(cast: SimpleNamespace) -> None:
    other = make_episode(make_client(cast.clinic, cast.therapist))
    stranger = InventoryPerson.objects.create(episode=other, name="Stranger", relationship="other")
    url = _url("ipt:timeline_event_add", cast)
    http = signed_in(cast.therapist)
    assert "Stranger" not in http.get(url).content.decode()
    response = csrf_post(http, url, _data(people=[stranger.pk]))
    assert "people" in response.context["form"].errors
    assert not TimelineEvent.objects.exists()


def test_it_edits_an_event_and_audits_the_changed_fields(cast: SimpleNamespace) -> None:
    event = _event(cast.episode, "Father died", date(2026, 4, 10))
    response = _edit(cast, event, is_onset="", title="Father died suddenly")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Father died suddenly"
    audited = AuditEvent.objects.get(action="ipt.timeline_event.updated")
    assert "title" in audited.fields
    assert "fingerprint" not in audited.fields
    # Each opening of the form is a read: once by _edit, once by csrf_post's fetch.
    assert AuditEvent.objects.filter(action="ipt.timeline_event.viewed").count() == 2


def test_it_reports_a_conflicting_edit_and_keeps_the_typed_text(cast: SimpleNamespace) -> None:
    event = _event(cast.episode, "Father died", date(2026, 4, 10))
    http = signed_in(cast.therapist)
    url = _event_url("ipt:timeline_event_edit", cast, event)
    opened = http.get(url).context["form"]["fingerprint"].value()
    update_sealed(TimelineEvent.objects.filter(pk=event.pk), title="Changed in another tab")
    response = csrf_post(http, url, _data(fingerprint=opened, detail="My careful words"))
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "My careful words" in html
    event.refresh_from_db()
    assert event.title == "Changed in another tab"
    # The re-rendered form carries the current fingerprint: a deliberate re-save wins.
    fresh = response.context["form"]["fingerprint"].value()
    assert fresh != opened
    again = csrf_post(http, url, _data(fingerprint=fresh, detail="My careful words"))
    assert again.status_code == 302
    event.refresh_from_db()
    assert event.detail == "My careful words"


def test_it_removes_an_event_after_confirmation(cast: SimpleNamespace) -> None:
    event = _event(cast.episode)
    http = signed_in(cast.therapist)
    html = http.get(_url("ipt:timeline", cast)).content.decode()
    assert 'data-confirm="Remove this event from the timeline?' in html
    response = csrf_post(http, _event_url("ipt:timeline_event_delete", cast, event))
    assert response.status_code == 302
    assert not TimelineEvent.objects.exists()
    assert TimelineEvent.with_removed.get(pk=event.pk).removed_at is not None
    assert AuditEvent.objects.get(action="ipt.timeline_event.deleted").object_id == str(
        event.public_id
    )


def test_reading_the_timeline_is_audited(cast: SimpleNamespace) -> None:
    signed_in(cast.supervisor).get(_url("ipt:timeline", cast))
    event = AuditEvent.objects.get(action="ipt.timeline_event.listed")
    assert event.actor == cast.supervisor
    assert event.subject_id == cast.client.public_id


@pytest.mark.parametrize("role", ["colleague", "outsider"])
def test_other_therapists_cannot_reach_an_event(cast: SimpleNamespace, role: str) -> None:
    event = _event(cast.episode)
    http = signed_in(getattr(cast, role))
    assert http.get(_url("ipt:timeline", cast)).status_code == 404
    url = _event_url("ipt:timeline_event_edit", cast, event)
    assert csrf_post(http, url, _data()).status_code == 404
    assert csrf_post(http, _event_url("ipt:timeline_event_delete", cast, event)).status_code == 404
    assert TimelineEvent.objects.get().title == "Moved city"


@pytest.mark.parametrize("role", ["supervisor", "intake", "admin"])
def test_non_treating_roles_cannot_write(cast: SimpleNamespace, role: str) -> None:
    event = _event(cast.episode)
    http = signed_in(getattr(cast, role))
    assert csrf_post(http, _url("ipt:timeline_event_add", cast), _data()).status_code == 403
    url = _event_url("ipt:timeline_event_edit", cast, event)
    assert csrf_post(http, url, _data()).status_code == 403
    assert csrf_post(http, _event_url("ipt:timeline_event_delete", cast, event)).status_code == 403
    assert TimelineEvent.objects.count() == 1


def test_the_supervisor_reads_but_sees_no_edit_actions(cast: SimpleNamespace) -> None:
    _event(cast.episode)
    html = signed_in(cast.supervisor).get(_url("ipt:timeline", cast)).content.decode()
    assert "Moved city" in html
    assert "Add an event" not in html
    assert "data-confirm" not in html


def _queries(http: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def _add_events(cast: SimpleNamespace, count: int) -> None:
    people = [
        InventoryPerson.objects.create(episode=cast.episode, name=f"P{n}", relationship="friend")
        for n in range(3)
    ]
    for n in range(count):
        event = _event(cast.episode, f"Event {n}", date(2025, 1, 1) + timedelta(days=n))
        event.people.set(people[: n % 3 + 1])


def test_the_timeline_queries_do_not_grow_with_the_number_of_events(
    cast: SimpleNamespace,
) -> None:
    _add_events(cast, 2)
    http = signed_in(cast.therapist)
    url = _url("ipt:timeline", cast)
    http.get(url)  # warm the session
    small = _queries(http, url)
    _add_events(cast, 30)
    assert _queries(http, url) == small


def test_the_event_form_queries_do_not_grow_with_the_number_of_people(
    cast: SimpleNamespace,
) -> None:
    event = _event(cast.episode)
    http = signed_in(cast.therapist)
    url = _event_url("ipt:timeline_event_edit", cast, event)
    http.get(url)
    small = _queries(http, url)
    _add_events(cast, 1)
    _add_events(cast, 1)
    assert _queries(http, url) == small
