"""IPSRT's early-warning rule alerts the therapist (variants.md §4.6), on every path that
writes the diary: the client's portal, the therapist's session entry, and a week saved."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rapport.measures import alert_sources
from rapport.measures.models import SafetyAlert
from rapport.rhythms.models import DailyMood, Source
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in
from tests.rhythms.helpers import keep_rhythms, last_monday
from tests.rhythms.test_views import week_post


def _days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def _mood(http, url: str, day: str, mood: int):
    return csrf_post(http, url, {"mood-day": day, "mood-mood": str(mood)})


def _warnings(cast) -> list[SafetyAlert]:
    found = SafetyAlert.objects.filter(client=cast.client, item=alert_sources.EARLY_WARNING)
    return list(found.order_by("pk"))


def test_two_high_days_in_the_portal_alert_the_therapist_once_without_crisis_words(cast) -> None:
    keep_rhythms(cast.episode)
    http = portal_signed_in(make_portal_account(cast.client))
    url = reverse("portal_rhythms:mood")
    _mood(http, url, _days_ago(1), 3)
    assert _warnings(cast) == []  # one high day is no sign
    answer = _mood(http, url, _days_ago(0), 4)
    [alert] = _warnings(cast)
    assert (alert.source, alert.severity, alert.status) == ("practice", "urgent", "open")
    assert alert.owner == cast.therapist
    assert alert.source_id == cast.episode.public_id
    assert alert.escalate_at is not None  # escalates until someone acknowledges it
    # Not a suicidality signal: the client is not shown crisis resources for it.
    assert "crisis-now" not in http.get(answer.url).content.decode()
    _mood(http, url, _days_ago(0), 5)  # the same sign again: no second alert
    assert len(_warnings(cast)) == 1


def test_three_low_days_entered_in_session_alert_too(cast) -> None:
    keep_rhythms(cast.episode)
    http = signed_in(cast.therapist)
    url = reverse("rhythms:mood", args=[cast.episode.public_id])
    for days_ago in (2, 1, 0):
        _mood(http, url, _days_ago(days_ago), -3)
    [alert] = _warnings(cast)
    page = http.get(reverse("measures:alert", args=[alert.public_id])).content.decode()
    assert "Early-warning sign of a mood episode: review today." in page
    assert "Mood -3 or lower on 3 days in a row" in page
    assert reverse("rhythms:page", args=[cast.episode.public_id]) in page  # to the diary
    assert "Record what was done" in page
    assert "Record the risk assessment" not in page


def test_a_week_saved_checks_the_rule_as_well(cast) -> None:
    keep_rhythms(cast.episode)
    for days_ago in (1, 0):  # written before this change, or by another path
        DailyMood.objects.create(
            episode=cast.episode,
            day=timezone.localdate() - timedelta(days=days_ago),
            mood=3,
            source=Source.SESSION,
            updated_at=timezone.now(),
        )
    http = portal_signed_in(make_portal_account(cast.client))
    csrf_post(http, reverse("portal_rhythms:week", args=[last_monday().isoformat()]), week_post())
    assert [a.value for a in _warnings(cast)] == [1]


def test_it_is_acknowledged_by_what_was_done_not_by_a_risk_assessment(cast) -> None:
    keep_rhythms(cast.episode)
    http = signed_in(cast.therapist)
    url = reverse("rhythms:mood", args=[cast.episode.public_id])
    for days_ago in (1, 0):
        _mood(http, url, _days_ago(days_ago), 4)
    [alert] = _warnings(cast)
    acknowledge = reverse("measures:alert_acknowledge", args=[alert.public_id])
    form = http.get(acknowledge).content.decode()
    assert "What was done about the early-warning sign" in form
    assert 'name="risk_level"' not in form
    refused = csrf_post(http, acknowledge, {"action_taken": " ", "follow_up_on": _days_ago(0)})
    assert "Say what was done." in refused.content.decode()
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    follow_up = (timezone.localdate() + timedelta(days=2)).isoformat()
    done = {"action_taken": "Called; next session brought forward.", "follow_up_on": follow_up}
    assert csrf_post(http, acknowledge, done).status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.escalate_at is None
    detail = http.get(reverse("measures:alert", args=[alert.public_id])).content.decode()
    assert "Called; next session brought forward." in detail
    # The sign lasting another day within two weeks raises nothing new.
    _mood(http, url, _days_ago(0), 5)
    assert len(_warnings(cast)) == 1


def test_the_demo_s_drifting_rhythm_raises_its_alert_for_the_therapist(db) -> None:
    """The IPSRT demo's third week scatters by 95 minutes: its score falls below baseline."""
    call_command("seed_demo")
    [alert] = SafetyAlert.objects.filter(item=alert_sources.EARLY_WARNING)
    assert alert.value == 4  # timeline.RHYTHM_DROP_SIGN
    assert (alert.status, alert.severity) == ("open", "urgent")
    assert alert.client.display_name == "Rowan Sample"
    assert alert.owner.username == "therapist"
