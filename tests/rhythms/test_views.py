"""The rhythm diary through its pages: the client's week in the portal, the therapist's
page on the episode, stale saves, safety words, and what only SRM-keeping episodes offer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.measures.models import SafetyAlert
from rapport.rhythms import services
from rapport.rhythms.models import DailyMood, LifeEvent, RhythmWeek, Source
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in
from tests.page_cost import page_cost
from tests.portal.practice_helpers import raw_column
from tests.rhythms.helpers import keep_rhythms, last_monday

SRM5 = ("out_of_bed", "first_contact", "start_work", "dinner", "bedtime")
TIMES = {
    "out_of_bed": "07:00",
    "first_contact": "08:00",
    "start_work": "09:00",
    "dinner": "19:00",
    "bedtime": "23:00",
}


def week_post(version: int = 0, *, late_day: int | None = None) -> dict[str, str]:
    """Every SRM-5 activity at the same time on all 7 days, except bedtime on
    ``late_day``, two hours late (a miss)."""
    data = {"version": str(version)}
    for day in range(7):
        for activity in SRM5:
            data[f"t_{day}_{activity}"] = TIMES[activity]
            data[f"e_{day}_{activity}"] = "1"
        data[f"p_{day}_first_contact"] = "partner"
    if late_day is not None:
        data[f"t_{late_day}_bedtime"] = "01:00"
    return data


def client_http(cast):
    return portal_signed_in(make_portal_account(cast.client))


def test_it_scores_a_week_the_client_enters_in_the_portal(cast) -> None:
    keep_rhythms(cast.episode)
    http = client_http(cast)
    url = reverse("portal_rhythms:week", args=[last_monday().isoformat()])
    answer = csrf_post(http, url, week_post(late_day=3))
    assert answer.status_code == 302
    week = RhythmWeek.objects.get(episode=cast.episode)
    # 5 activities done 7 days each; bedtime's habitual time is the circular mean of six
    # 23:00 and one 01:00 (~23:17), so 01:00 is a miss: hits 7+7+7+7+6 = 34; 34 / 5 = 6.80.
    assert week.score == Decimal("6.80")
    assert week.activity_level == 35
    assert week.source == Source.PORTAL
    assert AuditEvent.objects.filter(action="portal.rhythms.week_saved").count() == 1
    home = http.get(answer.url).content.decode()
    assert "6.80" in home
    assert "<svg" in home
    assert 'class="srm-week"' in home


def test_it_refuses_a_week_saved_meanwhile_and_keeps_the_first(cast) -> None:
    keep_rhythms(cast.episode)
    http = client_http(cast)
    url = reverse("portal_rhythms:week", args=[last_monday().isoformat()])
    csrf_post(http, url, week_post())
    stale = csrf_post(http, url, week_post(version=0, late_day=1))
    assert stale.status_code == 302
    assert stale.url == url
    assert RhythmWeek.objects.get(episode=cast.episode).score == Decimal("7.00")


def test_it_refuses_times_on_days_still_to_come(cast) -> None:
    keep_rhythms(cast.episode)
    http = client_http(cast)
    start = services.week_start(timezone.localdate()) + timedelta(days=7)
    answer = csrf_post(http, reverse("portal_rhythms:week", args=[start.isoformat()]), week_post())
    assert answer.status_code == 400
    assert not RhythmWeek.objects.exists()


def test_it_answers_404_for_a_week_that_does_not_start_on_a_monday(cast) -> None:
    keep_rhythms(cast.episode)
    day = last_monday() + timedelta(days=1)
    http = client_http(cast)
    assert http.get(reverse("portal_rhythms:week", args=[day.isoformat()])).status_code == 404
    assert http.get(reverse("portal_rhythms:week", args=["not-a-date"])).status_code == 404


def test_only_an_episode_whose_manual_schedules_the_srm_has_the_page(cast) -> None:
    http = signed_in(cast.therapist)
    url = reverse("rhythms:page", args=[cast.episode.public_id])
    assert http.get(url).status_code == 404
    assert (
        "Social rhythms"
        not in http.get(reverse("ipt:episode", args=[cast.episode.public_id])).content.decode()
    )
    keep_rhythms(cast.episode)
    assert http.get(url).status_code == 200
    episode_page = http.get(reverse("ipt:episode", args=[cast.episode.public_id]))
    assert url in episode_page.content.decode()


def test_the_therapist_enters_a_week_in_session_and_sees_its_workings(cast) -> None:
    keep_rhythms(cast.episode)
    http = signed_in(cast.therapist)
    start = last_monday().isoformat()
    save = reverse("rhythms:week_save", args=[cast.episode.public_id, start])
    assert csrf_post(http, save, week_post()).status_code == 302
    week = RhythmWeek.objects.get(episode=cast.episode)
    assert week.source == Source.SESSION
    assert week.score == Decimal("7.00")
    page = http.get(reverse("rhythms:week", args=[cast.episode.public_id, start])).content.decode()
    assert "How this week&#x27;s score was worked out" in page or "score was worked out" in page
    # The supervisor reads the week but may not write it.
    supervisor = signed_in(cast.supervisor)
    assert (
        supervisor.get(reverse("rhythms:week", args=[cast.episode.public_id, start])).status_code
        == 200
    )
    assert csrf_post(supervisor, save, week_post(version=1)).status_code == 403


def test_a_mood_note_with_risk_words_alerts_the_therapist_and_shows_crisis_resources(cast) -> None:
    keep_rhythms(cast.episode)
    http = client_http(cast)
    answer = csrf_post(
        http,
        reverse("portal_rhythms:mood"),
        {
            "mood-day": timezone.localdate().isoformat(),
            "mood-mood": "-4",
            "mood-note": "I want to end my life",
        },
    )
    assert answer.status_code == 302
    mood = DailyMood.objects.get(episode=cast.episode)
    assert mood.mood == -4
    assert mood.alerted
    assert "end my life" not in str(raw_column("rhythms_dailymood", "note", mood.public_id))
    alert = SafetyAlert.objects.get(client=cast.client)
    assert alert.source == SafetyAlert.Source.PRACTICE
    assert alert.owner == cast.therapist
    page = http.get(answer.url).content.decode()
    assert "crisis-now" in page


def test_a_life_event_is_encrypted_and_drawn_on_the_staff_chart(cast) -> None:
    keep_rhythms(cast.episode)
    http = signed_in(cast.therapist)
    day = timezone.localdate() - timedelta(days=2)
    url = reverse("rhythms:event", args=[cast.episode.public_id])
    assert (
        csrf_post(
            http, url, {"event-day": day.isoformat(), "event-description": "Flight to Lima"}
        ).status_code
        == 302
    )
    event = LifeEvent.objects.get(episode=cast.episode)
    assert "Lima" not in str(raw_column("rhythms_lifeevent", "description", event.public_id))
    page = http.get(reverse("rhythms:page", args=[cast.episode.public_id])).content.decode()
    assert "Flight to Lima" in page
    assert 'class="life-event"' in page
    assert AuditEvent.objects.filter(action="rhythms.diary.viewed").exists()


def test_bad_input_changes_nothing_and_says_why(cast) -> None:
    keep_rhythms(cast.episode)
    http = client_http(cast)
    answer = csrf_post(http, reverse("portal_rhythms:mood"), {"mood-day": "", "mood-mood": "9"})
    assert answer.status_code == 400
    assert "Please check the form" in answer.content.decode()
    assert not DailyMood.objects.exists()


def _weeks(cast, count: int) -> None:
    for n in range(count):
        start = last_monday() - timedelta(weeks=n)
        cells = {(start + timedelta(days=d), "dinner"): services.Cell(19 * 60) for d in range(7)}
        services.save_week(
            cast.episode, start, cells, version=0, by=cast.therapist, source=Source.SESSION
        )
        services.record_mood(
            cast.episode,
            start,
            mood=n % 3 - 1,
            sleep_hours=None,
            medication="",
            note="",
            source=Source.SESSION,
        )


def test_the_staff_page_costs_the_same_for_one_week_or_sixty(cast) -> None:
    keep_rhythms(cast.episode)
    http = signed_in(cast.therapist)
    url = reverse("rhythms:page", args=[cast.episode.public_id])
    _weeks(cast, 1)
    few = page_cost(http, url)
    RhythmWeek.objects.all().delete()
    DailyMood.objects.all().delete()
    _weeks(cast, 60)
    many = page_cost(http, url)
    assert many.queries == few.queries
    # The window is the current week (empty here) and the 51 before it: 51 of the 60
    # weeks, which all end last week; the whole history holds all 60.
    assert http.get(url).content.decode().count('class="srm-week"') == 51
    assert http.get(url + "?all=1").content.decode().count('class="srm-week"') == 60
