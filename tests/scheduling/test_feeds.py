"""The therapist's calendar feed: valid iCalendar, initials only, revocable."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from icalendar import Calendar

from rapport.scheduling import changes, feeds
from rapport.scheduling.models import CalendarFeed
from tests.factories import csrf_post, signed_in
from tests.scheduling.helpers_l import course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)


def _feed_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_it_creates_a_feed_shown_once_and_stores_only_its_hash(cast) -> None:
    http = signed_in(cast.therapist)
    response = csrf_post(http, reverse("scheduling:feed_create"))
    assert response.status_code == 200
    url = re.search(rb'value="([^"]+\.ics)"', response.content).group(1).decode()
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(therapist=cast.therapist)
    assert feed.token_hash == feeds.hash_token(token)
    assert token not in feed.token_hash
    assert token.encode() not in http.get(reverse("scheduling:feeds")).content


def test_it_serves_valid_icalendar_with_initials_and_no_names(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        sessions(course(cast, count=2))
        _feed, token = feeds.create(cast.therapist)
        response = HttpClient().get(reverse("scheduling:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    client = cast.client
    assert {str(event["summary"]) for event in events} == {
        f"Session — {client.given_name[0]}.{client.family_name[0]}."
    }
    assert [str(event["status"]) for event in events] == ["CONFIRMED", "CONFIRMED"]
    text = response.content.decode()
    for name in (client.given_name, client.family_name, client.email, "IPT"):
        assert name not in text
    assert str(calendar["version"]) == "2.0"
    assert all("dtstart" in event and "uid" in event and "dtstamp" in event for event in events)


def test_it_leaves_cancelled_and_moved_away_appointments_out(cast) -> None:
    """Some calendar apps (calcurse) import a CANCELLED event as a real session: a
    cancelled or moved-away appointment leaves the feed; the moved one is listed once."""
    with time_machine.travel(NOW, tick=False):
        booked = sessions(course(cast, count=4))
        changes.cancel(booked[1], by=cast.therapist)
        changes.cancel(
            booked[2], by=cast.therapist, now=booked[2].starts_at - dt.timedelta(hours=1)
        )
        later = booked[3].starts_at.date() + dt.timedelta(days=1)
        [moved] = changes.move(booked[3], day=later, at=dt.time(11), zone="UTC", by=cast.therapist)
        _feed, token = feeds.create(cast.therapist)
        response = HttpClient().get(reverse("scheduling:feed", args=[token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    uids = [str(event["uid"]).split("@")[0] for event in events]
    assert sorted(uids) == sorted([str(booked[0].public_id), str(moved.public_id)])
    assert {str(event["status"]) for event in events} == {"CONFIRMED"}
    assert b"CANCELLED" not in response.content


def test_it_shows_only_the_therapists_own_appointments(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        course(cast, count=2)
        _feed, token = feeds.create(cast.colleague)
        response = HttpClient().get(reverse("scheduling:feed", args=[token]))
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_it_stops_serving_a_revoked_feed(cast) -> None:
    feed, token = feeds.create(cast.therapist)
    url = reverse("scheduling:feed", args=[token])
    assert HttpClient().get(url).status_code == 200
    # A colleague cannot revoke it; its owner can.
    csrf_post(signed_in(cast.colleague), reverse("scheduling:feed_revoke"), {"feed": feed.pk})
    assert HttpClient().get(url).status_code == 200
    csrf_post(signed_in(cast.therapist), reverse("scheduling:feed_revoke"), {"feed": feed.pk})
    assert HttpClient().get(url).status_code == 404
