"""The demo clinic's IPSRT course: Rowan Sample keeps a rhythm diary (issue 15 item 8).

Four weeks of the Social Rhythm Metric, a daily mood with sleep and medication, and
two life events, so the chart on the episode and in the portal has something to show.
Rowan has portal access too: ask for a sign-in link at /portal/sign-in/. Fictional.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.ipt.services import open_episode
from rapport.rhythms import services
from rapport.rhythms.activities import SRM5, Medication
from rapport.rhythms.models import Source

WEEKS = 4
# Usual times (minutes after midnight) of the SRM-5; each week drifts a little more
# after the trip in week 3, then settles (a life event the chart shows).
USUAL = {
    "out_of_bed": 420,
    "first_contact": 480,
    "start_work": 540,
    "dinner": 1140,
    "bedtime": 1380,
}
DRIFT = (0, 10, 95, 30)  # minutes of day-to-day scatter, week by week
MOODS = (0, 0, 1, -1, 0, 1, 0, 1, 2, 3, 3, 2, 1, 0, -1, -1, 0, 0, 0, 1, 0)


@demo_loader(order=700)
def load_rhythms(clinic: Any, staff: dict[str, Any]) -> None:
    therapist = staff["therapist"]
    client = Client.objects.create(
        clinic=clinic,
        given_name="Rowan",
        family_name="Sample",
        date_of_birth=date(1988, 4, 12),
        email="rowan.sample@example.invalid",
        assigned_therapist=therapist,
        background="Fictional demo client: bipolar II, on medication; IPSRT.",
    )
    today = timezone.localdate()
    first = services.week_start(today) - timedelta(weeks=WEEKS)
    episode = open_episode(
        client, therapist=therapist, started_on=first, variant=services.offering_variants()[0]
    )
    for n in range(WEEKS):
        start = first + timedelta(weeks=n)
        services.save_week(
            episode, start, _cells(start, DRIFT[n]), version=0, by=therapist, source=Source.PORTAL
        )
    for index, mood in enumerate(MOODS):
        day = first + timedelta(days=index)
        services.record_mood(
            episode,
            day,
            mood=mood,
            sleep_hours=_sleep(mood),
            medication=Medication.YES if index % 9 else Medication.PARTIAL,
            note="",
            source=Source.PORTAL,
        )
    for day, words in (
        (first + timedelta(days=15), "Overnight flight for a work trip (demo)"),
        (first + timedelta(days=20), "Back home, first full week at work (demo)"),
    ):
        services.add_event(episode, day, words, by=therapist, source=Source.SESSION)
    _portal(client, therapist)


def _cells(start: date, drift: int) -> dict[tuple[date, str], services.Cell]:
    cells = {}
    for day in range(7):
        # A repeatable scatter: day 0 on time, then alternately early and late.
        offset = 0 if day == 0 else (drift if day % 2 else -drift) * (1 + day % 3) // 2
        for activity in SRM5:
            if activity == "start_work" and day >= 5:
                continue  # weekends off
            minutes = (USUAL[activity] + offset) % (24 * 60)
            cells[(start + timedelta(days=day), activity)] = services.Cell(
                minutes, engagement=1 if activity != "bedtime" else 0
            )
    return cells


def _sleep(mood: int) -> Any:
    from decimal import Decimal

    return Decimal("7.5") - Decimal(max(mood, 0))


def _portal(client: Client, therapist: Any) -> None:
    from rapport.portal.accounts import open_account

    open_account(client, invited_by=therapist, email=client.email)
