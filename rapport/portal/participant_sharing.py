"""A guardian's shared view read from the episode's participant record (variants.md §1.4,
§1.6; docs/portal.md "What a guardian sees").

When the therapist links a guardian's portal account to the parent's ``Participant`` on
the episode, the portal shows what that record says the therapist agreed to share
(``may_receive_*``), not the episode's own copy of the sharing. A removed participant
shares nothing. An account not linked to any participant keeps the episode's sharing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from rapport.ipt.models import Episode, Participant

SUMMARY, GOALS, CONTRACT, SAFETY_PLAN = "summary", "goals", "contract", "safety_plan"

# The plan's parts against §1.4's list: general progress is the approved summary and
# the goals (still shared goal by goal); attendance is the contract's sessions and dates.
PART_FLAGS = {
    SUMMARY: "may_receive_progress",
    GOALS: "may_receive_progress",
    CONTRACT: "may_receive_attendance",
    SAFETY_PLAN: "may_receive_safety_plan",
}


def linked_participant(user: Any, episode: Episode) -> Participant | None:
    """The participant record (removed ones too) linked to this portal session's account."""
    return (
        Participant.with_removed.filter(episode=episode, portal_account__user=user)
        .order_by(F("removed_at").asc(nulls_first=True), "-pk")
        .first()
    )


def parts_for(person: Participant) -> frozenset[str]:
    if person.removed_at is not None:
        return frozenset()
    return frozenset(part for part, flag in PART_FLAGS.items() if getattr(person, flag))
