"""Operations on an episode that span several rows (STYLE.md §4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from rapport.clients.models import Client
from rapport.ipt import catalogue
from rapport.ipt.models import Episode, EpisodeTask, Goal


class EpisodeError(Exception):
    """A clinical rule refuses the operation; the message says which, for the user."""


@transaction.atomic
def open_episode(
    client: Client,
    *,
    therapist: Any,
    started_on: date,
    episode_type: str = catalogue.EpisodeType.ACUTE,
    variant: str = catalogue.Variant.STANDARD,
    baseline_phq9: int | None = None,
    clinician_rated_severe: bool = False,
) -> Episode:
    """Start a course of IPT with the initial-phase checklist (§1.3) in place."""
    if client.episodes.active().exists():
        raise EpisodeError("This client already has an active episode; close it first.")
    episode = Episode.objects.create(
        client=client,
        therapist=therapist,
        started_on=started_on,
        episode_type=episode_type,
        variant=variant,
        baseline_phq9=baseline_phq9,
        clinician_rated_severe=clinician_rated_severe,
    )
    EpisodeTask.objects.bulk_create(
        EpisodeTask(episode=episode, code=task.code) for task in catalogue.INITIAL_TASKS
    )
    return episode


def ensure_termination_tasks(episode: Episode) -> None:
    """§1.7: the termination checklist appears once the episode reaches that phase."""
    have = set(episode.tasks.values_list("code", flat=True))
    EpisodeTask.objects.bulk_create(
        EpisodeTask(episode=episode, code=task.code)
        for task in catalogue.TERMINATION_TASKS
        if task.code not in have
    )


def prefill_goals(episode: Episode, area: str) -> None:
    """§1.4: goals of a newly chosen problem area, from the catalogue, editable after."""
    if not area or episode.goals.filter(problem_area=area).exists():
        return
    Goal.objects.bulk_create(
        Goal(episode=episode, problem_area=area, text=str(text), position=n)
        for n, text in enumerate(catalogue.PROBLEM_AREA_GOALS[area])
    )


def planned_sessions_default(episode: Episode) -> int:
    """§4.2: PHQ-9 ≥ 16 or clinician-rated severe → 16 sessions, otherwise 12; IPT-A 12."""
    return catalogue.default_planned_sessions(
        episode.variant,
        phq9=episode.baseline_phq9,
        clinician_severe=episode.clinician_rated_severe,
    )
