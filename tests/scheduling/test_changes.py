"""Cancel or move one occurrence or all following; late cancellation; attendance; video."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.scheduling import changes, series
from rapport.scheduling.booking import SlotTaken
from rapport.scheduling.models import Appointment, Reminder, SchedulingSettings
from tests.factories import csrf_post, signed_in
from tests.scheduling.helpers_l import FIRST, ZONE, course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
NY = zoneinfo.ZoneInfo(ZONE)


def _course(cast, count: int = 4) -> list[Appointment]:
    with time_machine.travel(NOW, tick=False):
        return sessions(course(cast, count=count))


def test_it_records_a_late_cancellation_inside_the_clinic_window(cast) -> None:
    first = _course(cast)[0]
    with time_machine.travel(first.starts_at - dt.timedelta(hours=3), tick=False):
        changes.cancel(first, by=cast.therapist)
    first.refresh_from_db()
    assert first.status == Appointment.Status.LATE_CANCELLED
    assert first.cancelled_by == cast.therapist


def test_it_uses_the_clinics_own_window(cast) -> None:
    SchedulingSettings.objects.create(clinic=cast.clinic, late_cancellation_hours=48)
    first = _course(cast)[0]
    with time_machine.travel(first.starts_at - dt.timedelta(hours=30), tick=False):
        changes.cancel(first, by=cast.therapist)
    first.refresh_from_db()
    assert first.status == Appointment.Status.LATE_CANCELLED


def test_it_cancels_early_as_a_plain_cancellation_and_stops_its_reminders(cast) -> None:
    first = _course(cast)[0]
    with time_machine.travel(NOW, tick=False):
        changes.cancel(first, by=cast.therapist, reason="Client travelling")
    first.refresh_from_db()
    assert first.status == Appointment.Status.CANCELLED
    assert set(first.reminders.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}


def test_it_cancels_all_following_without_touching_earlier_ones(cast) -> None:
    booked = _course(cast)
    with time_machine.travel(NOW, tick=False):
        cancelled = changes.cancel(booked[1], by=cast.therapist, all_following=True)
    assert [a.pk for a in cancelled] == [a.pk for a in booked[1:]]
    statuses = list(
        Appointment.objects.filter(series=booked[0].series).values_list("status", flat=True)
    )
    assert statuses == ["booked", "cancelled", "cancelled", "cancelled"]


def test_it_moves_one_occurrence_with_its_own_reminders(cast) -> None:
    booked = _course(cast)
    new_day = FIRST + dt.timedelta(weeks=1, days=1)
    with time_machine.travel(NOW, tick=False):
        [moved] = changes.move(booked[1], day=new_day, at=dt.time(15), zone=ZONE, by=cast.therapist)
    booked[1].refresh_from_db()
    assert booked[1].status == Appointment.Status.CANCELLED
    assert moved.moved_from == booked[1]
    assert moved.series_index == 2
    assert moved.starts_at.astimezone(NY) == dt.datetime.combine(new_day, dt.time(15), NY)
    assert set(booked[1].reminders.values_list("status", flat=True)) == {"cancelled"}
    assert moved.reminders.filter(status="pending").count() == 2
    # The rest of the series is untouched, and numbering follows the dates.
    assert series.session_number(moved) == 2
    assert Appointment.objects.get(pk=booked[2].pk).status == Appointment.Status.BOOKED


def test_it_moves_all_following_by_the_same_days_and_keeps_local_time(cast) -> None:
    booked = _course(cast)
    new_day = FIRST + dt.timedelta(weeks=1, days=2)  # Tuesday to Thursday
    with time_machine.travel(NOW, tick=False):
        moved = changes.move(
            booked[1], day=new_day, at=dt.time(9), zone=ZONE, by=cast.therapist, all_following=True
        )
    assert [m.starts_at.astimezone(NY).weekday() for m in moved] == [3, 3, 3]
    assert {m.starts_at.astimezone(NY).time() for m in moved} == {dt.time(9)}
    assert Appointment.objects.get(pk=booked[0].pk).status == Appointment.Status.BOOKED


def test_it_changes_nothing_when_a_move_clashes(cast) -> None:
    booked = _course(cast)
    target = booked[2].starts_at.astimezone(NY)
    with time_machine.travel(NOW, tick=False), pytest.raises(SlotTaken):
        changes.move(booked[1], day=target.date(), at=target.time(), zone=ZONE, by=cast.therapist)
    assert Appointment.objects.get(pk=booked[1].pk).status == Appointment.Status.BOOKED
    assert Appointment.objects.filter(series=booked[0].series).count() == 4


def test_it_records_no_show_and_attendance_only_after_the_start(cast) -> None:
    first = _course(cast)[0]
    with time_machine.travel(NOW, tick=False), pytest.raises(changes.ChangeRefused):
        changes.record_attendance(first, Appointment.Status.NO_SHOW)
    with time_machine.travel(first.starts_at + dt.timedelta(minutes=20), tick=False):
        changes.record_attendance(first, Appointment.Status.NO_SHOW)
        assert Appointment.objects.get(pk=first.pk).status == Appointment.Status.NO_SHOW
        with pytest.raises(changes.ChangeRefused):
            changes.cancel(first, by=cast.therapist)


def test_it_warns_of_a_late_cancellation_on_the_cancel_page(cast) -> None:
    first = _course(cast)[0]
    http = signed_in(cast.therapist)
    url = reverse("scheduling:appointment_cancel", args=[first.public_id])
    with time_machine.travel(first.starts_at - dt.timedelta(hours=2)):
        page = http.get(url)
        assert b"Late cancellation" in page.content
        response = csrf_post(http, url, {"scope": "one", "reason": ""})
    assert response.status_code == 302
    assert Appointment.objects.get(pk=first.pk).status == Appointment.Status.LATE_CANCELLED
    assert AuditEvent.objects.filter(action="scheduling.appointment.cancelled").count() == 1


def test_it_keeps_input_and_changes_nothing_on_a_bad_reschedule(cast) -> None:
    first = _course(cast)[0]
    http = signed_in(cast.therapist)
    url = reverse("scheduling:appointment_reschedule", args=[first.public_id])
    with time_machine.travel(NOW):
        response = csrf_post(http, url, {"scope": "one", "day": "not a date", "at": "11:30"})
    assert response.status_code == 200
    assert b'value="11:30"' in response.content
    assert Appointment.objects.filter(series=first.series).count() == 4


def test_it_accepts_only_https_video_links(cast) -> None:
    first = _course(cast)[0]
    http = signed_in(cast.therapist)
    url = reverse("scheduling:appointment_video", args=[first.public_id])
    with time_machine.travel(NOW):
        refused = csrf_post(http, url, {"video_link": "http://video.example/room"})
        assert refused.status_code == 200
        assert b"https://" in refused.content
        assert Appointment.objects.get(pk=first.pk).video_link == ""
        csrf_post(http, url, {"video_link": "https://video.example/room"})
    assert Appointment.objects.get(pk=first.pk).video_link == "https://video.example/room"


def test_it_lets_the_supervisor_see_but_not_change_an_appointment(cast) -> None:
    first = _course(cast)[0]
    http = signed_in(cast.supervisor)
    assert http.get(reverse("scheduling:appointment", args=[first.public_id])).status_code == 200
    url = reverse("scheduling:appointment_cancel", args=[first.public_id])
    assert http.get(url).status_code == 403
    assert signed_in(cast.colleague).get(url).status_code == 404


def test_it_shows_a_course_page_in_constant_queries(cast, django_assert_max_num_queries) -> None:
    short = _course(cast, count=2)[0].series
    http = signed_in(cast.therapist)
    with time_machine.travel(NOW):
        http.get(reverse("scheduling:series", args=[short.public_id]))  # warm the session
        with django_assert_max_num_queries(99) as few:
            http.get(reverse("scheduling:series", args=[short.public_id]))
        long = sessions(course(cast, count=12, first=FIRST + dt.timedelta(weeks=30)))[0].series
        with django_assert_max_num_queries(99) as many:
            page = http.get(reverse("scheduling:series", args=[long.public_id]))
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
