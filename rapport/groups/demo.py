"""The Group IPT part of the demo clinic (``manage.py seed_demo``): fictional people only.

A WHO Group IPT group of four, led by the demo therapist with the demo colleague as
co-facilitator. Two members are the therapist's clients and two the colleague's, so
the demo shows what each sees: a facilitator reads the group; a member's record
shows that member's own part only. Each member had a pre-group meeting; session 1
has a signed group note.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.core.models import Clinic
from rapport.groups import services
from rapport.groups.models import IndividualMeeting, TherapyGroup
from rapport.ipt.models import SessionNote
from rapport.ipt.services import open_episode

# given, family, born, therapist, what the group heard from them (all invented)
MEMBERS = [
    ("Rowan", "Example", date(1984, 3, 9), "therapist", "Spoke of the months since the move."),
    ("Tamsin", "Sample", date(1979, 11, 2), "therapist", "Described a dispute with her sister."),
    ("Idris", "Placeholder", date(1991, 6, 21), "colleague", "Talked about missing his father."),
    ("Noor", "Fictional", date(1988, 1, 30), "colleague", "Said evenings are the loneliest."),
]


@demo_loader(order=360)
def load(clinic: Clinic, staff: dict[str, Any]) -> None:
    if TherapyGroup.objects.filter(clinic=clinic).exists():
        return
    today = timezone.localdate()
    started = today - timedelta(weeks=2)
    group = services.create_group(
        name="Tuesday evening group",
        variant=services.group_formats()[0].code,
        modality=TherapyGroup.Modality.IN_PERSON,
        by=staff["therapist"],
        co_facilitator=staff["colleague"],
    )
    for given, family, born, therapist, _said in MEMBERS:
        client = Client.objects.create(
            clinic=clinic,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            email=f"{given.lower()}.{family.lower()}@example.invalid",
            assigned_therapist=staff[therapist],
        )
        episode = open_episode(
            client, therapist=staff[therapist], started_on=started, variant=group.variant
        )
        member = services.add_member(group, episode, staff[therapist])
        services.record_meeting(
            member,
            staff[therapist],
            IndividualMeeting.Kind.PRE_GROUP,
            {
                "held_on": started,
                "symptom_review": "Low mood and poor sleep for some months (PHQ-9 items reviewed).",
                "problem_area_work": "Onset linked to an interpersonal change; hope given.",
                "between_session_plan": "Knows what the group will do and when it meets.",
                "suicidality": SessionNote.Suicidality.NONE,
            },
            started,
        )
    _first_session(group, staff["therapist"], today - timedelta(weeks=1))


def _first_session(group: TherapyGroup, lead: Any, held_on: date) -> None:
    session = services.start_note(services.next_unnoted(group), lead)
    rows = services.entries(session)
    said = {m[0]: m[4] for m in MEMBERS}
    members = {
        entry.membership.code: {
            "attendance": "attended",
            "mood_rating": 4,
            "symptom_review": "Mood low, sleep a little better.",
            "interval_events": said[entry.membership.episode.client.given_name],
            "problem_area_work": "Named a goal for the group; others offered options.",
            "between_session_plan": "One conversation to try before next week.",
            "suicidality": SessionNote.Suicidality.NONE,
            "suicidality_detail": "",
            "open_alerts_reason": "",
        }
        for entry in rows
    }
    shared = {
        "held_on": held_on,
        "themes": "Introductions; depression as an illness; each member's goal.",
        "group_process": "Members were hesitant at first, then warm with each other.",
        "techniques": ["clarification"],
        "reflections": "Agree next week how M3 can be brought in more.",
    }
    services.save_draft(session, session.version, shared, members)
    services.sign(session, lead)
