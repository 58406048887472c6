"""Demo data: the public site's default pages for the demo clinic."""

from __future__ import annotations

from typing import Any

from rapport.core.hooks import demo_loader
from rapport.intake import services


@demo_loader(order=400)
def load_public_pages(clinic: Any, staff: dict[str, Any]) -> None:
    services.pages_for(clinic)


# --- the front door and the calendar (issue 5 item 11) ----------------------------------

REQUESTS = [
    # name, age group, channel, concern, self-screen total pattern, item 9, status
    (
        "Alex Demo-Request",
        "adult",
        "email",
        "Struggling since my divorce; not sleeping.",
        2,
        1,
        "new",
    ),
    ("Sam Placeholder-Ask", "adult", "phone", "Low mood after moving for work.", 1, 0, "contacted"),
    (
        "Jo Example-Teen",
        "adolescent",
        "email",
        "Arguments at home, school is slipping.",
        1,
        0,
        "new",
    ),
    ("Lee Waiting-Person", "older", "phone", "Lonely since retiring.", 1, 0, "waitlisted"),
]


@demo_loader(order=500)
def load_front_door(clinic: Any, staff: dict[str, Any]) -> None:
    """A queue with one urgent request, a waitlist, everyone's hours, and a booked series
    with a cancellation and a no-show (all fictional)."""
    _requests(clinic, staff)
    for username in ("therapist", "colleague", "supervisor", "trainee"):
        if username in staff:
            _weekly_hours(staff[username], clinic)
    _series_with_changes(clinic, staff)
    if "colleague" in staff:
        _time_off(staff["colleague"])


def _time_off(therapist: Any) -> None:
    """A day away three months out, clear of the demo's bookings."""
    from datetime import timedelta

    from django.utils import timezone

    from rapport.scheduling.models import TimeOff

    starts = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    starts += timedelta(days=91)
    TimeOff.objects.create(
        therapist=therapist,
        starts_at=starts,
        ends_at=starts + timedelta(hours=10),
        reason="Training day in London (demo)",
    )


def _requests(clinic: Any, staff: dict[str, Any]) -> None:
    """Each request's self-screen is a measures response, as from the public form; the
    urgent one (item 9 = 1) has its open alert, held by the clinic's intake coordinators."""
    from rapport.intake import services, waitlist
    from rapport.intake.models import ConsultationRequest

    for name, age, channel, concern, level, item9, status in REQUESTS:
        answers = {f"q{n}": level for n in range(1, 9)} | {"q9": item9, "difficulty": 1}
        request = ConsultationRequest.objects.create(
            clinic=clinic,
            name=name,
            email=f"{name.split()[0].lower()}@example.invalid",
            phone="555-0100",
            preferred_channel=channel,
            age_group=age,
            concern=concern,
            preferred_times="Weekday mornings",
            consent_to_contact=True,
            status=status if status != "waitlisted" else "contacted",
        )
        services.record_screen(None, request, answers)
        if status == "waitlisted":
            waitlist.add(request, preferred_therapist=staff.get("colleague"))


def _weekly_hours(therapist: Any, clinic: Any) -> None:
    from datetime import time

    from rapport.scheduling.models import WeeklyHours

    WeeklyHours.objects.bulk_create(
        WeeklyHours(
            therapist=therapist,
            weekday=day,
            starts=time(9, 0),
            ends=time(17, 0),
            time_zone=clinic.time_zone,
        )
        for day in range(5)
    )


def _series_with_changes(clinic: Any, staff: dict[str, Any]) -> None:
    """Weekly sessions for one demo client: three weeks back (attended, no-show,
    cancelled late) and nine ahead, each at the same local time."""
    from datetime import time, timedelta

    from django.utils import timezone

    from rapport.ipt.models import Episode
    from rapport.scheduling import booking
    from rapport.scheduling.models import Appointment
    from rapport.scheduling.timeutil import local_to_utc

    therapist = staff.get("therapist")
    episode = (
        Episode.objects.filter(therapist=therapist, status=Episode.Status.ACTIVE)
        .select_related("client")
        .order_by("pk")
        .first()
    )
    if episode is None:
        return
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=3) + timedelta(days=2)  # a Wednesday
    past_status = [
        Appointment.Status.ATTENDED,
        Appointment.Status.NO_SHOW,
        Appointment.Status.LATE_CANCELLED,
    ]
    for week in range(12):
        starts = local_to_utc(first + timedelta(weeks=week), time(15, 0), clinic.time_zone)
        appointment = booking.book(
            clinic=clinic,
            therapist=therapist,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=50),
            kind=Appointment.Kind.SESSION,
            client=episode.client,
            context_id=episode.public_id,
            by=therapist,
        )
        if week < len(past_status):
            status = past_status[week]
            cancelled = {"cancelled_at": starts - timedelta(hours=3)} if week == 2 else {}
            Appointment.objects.filter(pk=appointment.pk).update(status=status, **cancelled)
