"""A WHO group of four for the group tests: two members are the lead facilitator's
clients, two the co-facilitator's; a third therapist treats none of them."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from rapport.core.models import Role
from rapport.groups import services
from rapport.groups.models import GroupSession, Membership, TherapyGroup
from rapport.ipt.models import SessionNote
from rapport.ipt.services import open_episode
from tests.factories import make_client, make_staff

NAMES = [
    ("Aurelia", "Quennell", "therapist"),
    ("Bartholomew", "Ravensworth", "therapist"),
    ("Cordelia", "Sutterby", "colleague"),
    ("Desmond", "Thistlewood", "colleague"),
]


def group_format() -> str:
    return services.group_formats()[0].code


def make_group(cast: SimpleNamespace) -> SimpleNamespace:
    """The group, its four members (with e-mail addresses) and their episodes."""
    group = services.create_group(
        name="Tuesday group",
        variant=group_format(),
        modality=TherapyGroup.Modality.IN_PERSON,
        by=cast.therapist,
        co_facilitator=cast.colleague,
    )
    members = []
    for given, family, who in NAMES:
        therapist = getattr(cast, who)
        client = make_client(
            cast.clinic,
            therapist,
            given_name=given,
            family_name=family,
            email=f"{given.lower()}@example.invalid",
        )
        episode = open_episode(
            client, therapist=therapist, started_on=date(2026, 9, 1), variant=group.variant
        )
        members.append(services.add_member(group, episode, therapist))
    return SimpleNamespace(group=group, members=members)


def member_part(code: str, **changes: Any) -> dict[str, Any]:
    """A member's part whose every text names its member's code (to find it elsewhere)."""
    return {
        "attendance": "attended",
        "mood_rating": 5,
        "symptom_review": f"Symptoms of {code}: sleeping badly",
        "interval_events": f"Events of {code}: an argument at work",
        "problem_area_work": f"Work of {code}: options from the group",
        "between_session_plan": f"Task of {code}: call a friend",
        "suicidality": SessionNote.Suicidality.NONE,
        "suicidality_detail": "",
        "open_alerts_reason": "",
    } | changes


SHARED = {
    "held_on": date(2026, 9, 8),
    "themes": "Shared themes: introductions and goals",
    "group_process": "Shared process: cohesion grew",
    "techniques": ["clarification"],
    "reflections": "Shared reflections: pace next week",
}


def written_note(cast: SimpleNamespace, setup: SimpleNamespace) -> GroupSession:
    """Session 1's note, drafted with every member's part."""
    session = services.start_note(services.next_unnoted(setup.group), cast.therapist)
    parts = {m.code: member_part(m.code) for m in setup.members}
    services.save_draft(session, session.version, SHARED, parts)
    return session


def signed_note(cast: SimpleNamespace, setup: SimpleNamespace) -> GroupSession:
    session = written_note(cast, setup)
    return services.sign(session, cast.therapist)


def outsider_therapist(cast: SimpleNamespace) -> Any:
    """A therapist of the clinic with no member and no facilitation."""
    return make_staff(cast.clinic, "stranger", Role.THERAPIST)


def member(setup: SimpleNamespace, code: str) -> Membership:
    return next(m for m in setup.members if m.code == code)
