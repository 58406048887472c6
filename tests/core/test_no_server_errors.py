"""Issue 10, found 5: far dates and stray characters are refused with a message, never a 500."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse

from rapport.core.inputs import SaneDateField, SaneDateTimeField
from rapport.ipt.models import TimelineEvent
from rapport.measures.models import Invitation
from rapport.scheduling.models import Series, TimeOff
from tests.factories import csrf_post, signed_in
from tests.ipt.notes_helpers import contract

FAR_DATES = ["9999-12-31", "0001-01-01"]
RANGE_MESSAGE = "Enter a date between 1900 and 2100."
CALENDARS = [
    ("scheduling:calendar_week", "therapist"),
    ("scheduling:calendar_day", "therapist"),
    ("scheduling:calendar_clinic", "intake"),
]


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize(("name", "role"), CALENDARS)
def test_it_shows_today_for_a_far_calendar_date(
    cast: SimpleNamespace, name: str, role: str, day: str
) -> None:
    response = signed_in(getattr(cast, role)).get(reverse(name), {"date": day})
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2100: showing today." in response.content.decode()


@pytest.mark.parametrize(("name", "role"), CALENDARS)
def test_it_pages_to_the_edge_of_the_range_and_back(
    cast: SimpleNamespace, name: str, role: str
) -> None:
    http = signed_in(getattr(cast, role))
    for day in ("1900-01-01", "2100-12-31"):
        assert http.get(reverse(name), {"date": day}).context["day"] == date.fromisoformat(day)


@pytest.mark.parametrize("day", FAR_DATES)
def test_it_refuses_far_time_off_with_a_message(cast: SimpleNamespace, day: str) -> None:
    url = reverse("scheduling:time_off_add", args=[cast.therapist.public_id])
    data = {"first_day": day, "last_day": day, "reason": "Holiday"}
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_it_refuses_a_far_invitation_time_with_a_message(
    cast: SimpleNamespace, moment: str
) -> None:
    url = reverse("ipt:measures_invite", args=[cast.episode.public_id])
    data = {"when": "before", "session_number": 2, "session_at": moment, "hours_before": 24}
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("day", FAR_DATES)
def test_it_refuses_a_far_first_session_with_a_message(cast: SimpleNamespace, day: str) -> None:
    contract(cast.episode)
    url = reverse("ipt:book_series", args=[cast.episode.public_id])
    data = {"first": day, "at": "10:00", "time_zone": "Europe/Berlin", "video_link": ""}
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    assert not Series.objects.exists()


@pytest.mark.parametrize("day", FAR_DATES)
def test_it_refuses_moving_a_timeline_event_far_and_keeps_the_pages(
    cast: SimpleNamespace, day: str
) -> None:
    event = TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 3, 1), title="Moved city"
    )
    http = signed_in(cast.therapist)
    url = reverse(
        "ipt:timeline_event_edit",
        kwargs={"public_id": cast.episode.public_id, "event_id": event.public_id},
    )
    fingerprint = http.get(url).context["form"]["fingerprint"].value()
    data = {"occurred_on": day, "title": "Moved city", "mood": "worse", "fingerprint": fingerprint}
    response = csrf_post(http, url, data)
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    event.refresh_from_db()
    assert event.occurred_on == date(2026, 3, 1)
    for page in ("ipt:timeline", "ipt:formulation"):
        assert http.get(reverse(page, args=[cast.episode.public_id])).status_code == 200


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_it_still_shows_an_episode_whose_onset_was_saved_far_before_the_fix(
    cast: SimpleNamespace, day: date
) -> None:
    TimelineEvent.objects.create(episode=cast.episode, occurred_on=day, title="Far", is_onset=True)
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 1, 5), title="Near", major_change=True
    )
    http = signed_in(cast.therapist)
    for page in ("ipt:timeline", "ipt:formulation"):
        assert http.get(reverse(page, args=[cast.episode.public_id])).status_code == 200


def test_it_refuses_a_nul_character_in_a_query_with_a_clear_page(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(reverse("clients:list"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "null character" in response.content.decode()


def test_it_refuses_a_nul_character_in_a_posted_value(cast: SimpleNamespace) -> None:
    url = reverse("scheduling:time_off_add", args=[cast.therapist.public_id])
    data = {"first_day": "2026-08-03", "last_day": "2026-08-04", "reason": "Holi\x00day"}
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 400
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize("value", ["²", "9" * 40])
def test_it_ignores_a_cursor_that_is_not_a_plain_number(cast: SimpleNamespace, value: str) -> None:
    http = signed_in(cast.admin)
    for cursor in ("before", "after"):
        assert http.get(reverse("core:audit_log"), {cursor: value}).status_code == 200


def test_it_ignores_a_row_that_is_not_a_plain_number(cast: SimpleNamespace) -> None:
    url = reverse("scheduling:time_off_delete", args=[cast.therapist.public_id])
    response = csrf_post(signed_in(cast.therapist), url, {"row": "²"})
    assert response.status_code in {302, 404}


def _form_classes(base: type = forms.BaseForm) -> set[type]:
    found = set()
    for sub in base.__subclasses__():
        if sub.__module__.startswith("rapport."):
            found.add(sub)
        found |= _form_classes(sub)
    return found


def test_every_date_field_of_every_form_is_held_to_the_sane_range() -> None:
    # Importing the URL map imports every view and so every form class.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    classes = _form_classes()
    assert len(classes) > 40  # guards the walk against an empty selection
    loose = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, SaneDateField | SaneDateTimeField)
    ]
    assert loose == []
