"""A client's plan as the therapist leaves it: areas, goals, a contract, a safety plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from rapport.ipt import services, summaries
from rapport.ipt.catalogue import ProblemArea, Variant
from rapport.ipt.models import Contract, Episode, Goal
from rapport.measures import safety_plans
from rapport.measures.safety_plans import Person

SUMMARY = "Since your grandmother died, you have spent less time with your friends."
DRAFT = "A newer draft the client must not see yet."
SHARED_GOAL = "Talk with Mum about Grandma"
PRIVATE_GOAL = "Name the feelings about the funeral"
WARNING_SIGN = "Staying in my room all weekend"
MISSED_POLICY = "Tell the clinic a day ahead if you cannot come."


def plan_episode(episode: Episode, *, adolescent: bool = True) -> Episode:
    """Grief as the focus, two goals of the therapist's own (no catalogue prefill)."""
    Episode.objects.filter(pk=episode.pk).update(
        primary_problem_area=ProblemArea.GRIEF,
        variant=Variant.ADOLESCENT if adolescent else Variant.STANDARD,
    )
    episode.refresh_from_db()
    Goal.objects.create(episode=episode, problem_area=ProblemArea.GRIEF, text=SHARED_GOAL)
    Goal.objects.create(episode=episode, problem_area=ProblemArea.GRIEF, text=PRIVATE_GOAL)
    return episode


def agree_contract(episode: Episode) -> Contract:
    return services.create_contract(
        episode,
        by=episode.therapist,
        planned_sessions=12,
        frequency=Contract.Frequency.WEEKLY,
        session_minutes=45,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 11, 17),
        focus="Grief: missing Grandma.",
        missed_session_policy=MISSED_POLICY,
    )


def renegotiate(episode: Episode) -> Contract:
    current = episode.current_contract
    return services.renegotiate_contract(
        episode,
        based_on=current.version,
        by=episode.therapist,
        kind=Contract.Kind.EXTENSION,
        planned_sessions=16,
        frequency=current.frequency,
        session_minutes=current.session_minutes,
        start_on=current.start_on,
        expected_end_on=date(2026, 12, 15),
        focus=current.focus,
        missed_session_policy=current.missed_session_policy,
        reason="More time for the grief work.",
    )


def approve_summary(episode: Episode, text: str = SUMMARY) -> Any:
    seen = summaries.seen_mark(summaries.latest(episode))
    draft, _ = summaries.save_draft(episode, text, by=episode.therapist, seen=seen)
    return summaries.approve(episode, str(draft.public_id), by=episode.therapist)


def draft_summary(episode: Episode, text: str = DRAFT) -> Any:
    seen = summaries.seen_mark(summaries.latest(episode))
    return summaries.save_draft(episode, text, by=episode.therapist, seen=seen)[0]


def write_safety_plan(episode: Episode) -> Any:
    person = Person.of_client(episode.client)
    content = safety_plans.first_draft(person) | {"warning_signs": WARNING_SIGN}
    return safety_plans.save_version(person, content, by=episode.therapist, based_on=0)


def share_with_guardian(episode: Episode, *, goal_text: str = SHARED_GOAL, **parts: bool) -> None:
    """Flags as the therapist's sharing form sets them (tested on the staff side)."""
    fields = {f"guardian_sees_{name}": on for name, on in parts.items()}
    Episode.objects.filter(pk=episode.pk).update(**fields)
    for goal in episode.goals.all():
        if goal.text == goal_text:
            Goal.objects.filter(pk=goal.pk).update(shared_with_guardian=True)
    episode.refresh_from_db()
