"""What an episode summary says: gathered from the episode in a fixed number of queries.

Never the therapist's process notes, never session-note text: the summary goes to
clients, prescribers and referrers (DESIGN.md, HIPAA psychotherapy notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.ipt import catalogue, diagnoses
from rapport.ipt.models import Episode, EpisodeTask, Goal, MaintenancePlan
from rapport.ipt.models.episodes import SessionAttendance
from rapport.ipt.views.measures import episode_charts
from rapport.measures import outcomes
from rapport.measures.views.charts import thresholds

# The free text a summary prints, named in its audit row.
PRINTED_FIELDS = ["formulation", "close_note", "goals", "termination_tasks", "maintenance_plan"]


@dataclass
class MeasureOutcome:
    title: str
    baseline: int
    latest: int
    flags: list[str]


@dataclass
class EpisodeSummary:
    episode: Episode
    generated_at: datetime
    attendance: dict[str, int]
    planned_sessions: int | None
    diagnoses: list[Any]
    problem_areas: list[str]
    goals: list[tuple[str, list[Goal]]]
    charts: list[Any]
    measures: list[MeasureOutcome]
    recovery: list[str]
    tasks: list[tuple[str, EpisodeTask]]
    plan: MaintenancePlan | None


def attendance(episode: Episode) -> dict[str, int]:
    """Sessions held, cancelled and missed, from the episode's notes (one query)."""
    counted = episode.notes.aggregate(
        **{
            status: Count("pk", filter=Q(attendance=status))
            for status in (
                SessionAttendance.ATTENDED,
                SessionAttendance.CANCELLED,
                SessionAttendance.NO_SHOW,
            )
        }
    )
    return {str(key): value for key, value in counted.items()}


def build(request: HttpRequest, episode: Episode) -> EpisodeSummary:
    now = timezone.now()
    counts = attendance(episode)
    contract = episode.current_contract
    shown = episode_charts(request, episode)["charts"]
    overrides = thresholds(episode.client.clinic_id)
    measures, series = [], {}
    for chart in shown:
        totals = [row.total for row in chart.rows]
        series[chart.code] = totals
        labels = outcomes.summary_labels(chart.code, totals[0], totals[-1], overrides)
        measures.append(MeasureOutcome(chart.title, totals[0], totals[-1], labels))
    areas = [a for a in (episode.primary_problem_area, episode.secondary_problem_area) if a]
    goals = list(Goal.objects.filter(episode=episode))
    tasks = EpisodeTask.objects.filter(
        episode=episode, code__in=[t.code for t in catalogue.TERMINATION_TASKS]
    )
    return EpisodeSummary(
        episode=episode,
        generated_at=now,
        attendance=counts,
        planned_sessions=contract.planned_sessions if contract else None,
        diagnoses=diagnoses.as_of(episode, now),
        problem_areas=[str(catalogue.ProblemArea(a).label) for a in areas],
        goals=[
            (str(catalogue.ProblemArea(a).label), [g for g in goals if g.problem_area == a])
            for a in areas
        ],
        charts=shown,
        measures=measures,
        recovery=_recovery(series, counts[SessionAttendance.ATTENDED], overrides),
        tasks=[(t.task.label_for(episode.variant), t) for t in tasks],
        plan=MaintenancePlan.objects.filter(episode=episode).first(),
    )


def _recovery(series: dict[str, list[int]], attended: int, overrides: Any) -> list[str]:
    """measures.md §3 (NHS Talking Therapies) for a course with paired scores."""
    phq9, gad7 = series.get("phq9", []), series.get("gad7", [])
    if len(phq9) < 2 and len(gad7) < 2:
        return []
    found = outcomes.recovery(phq9, gad7, attended, overrides)
    named = {
        "finished_course": _("Finished a course of treatment (two or more sessions attended)"),
        "case_at_start": _("At caseness at the start"),
        "recovered": _("Recovery"),
        "reliable_improvement": _("Reliable improvement"),
        "reliably_recovered": _("Reliable recovery"),
        "reliable_deterioration": _("Reliable deterioration"),
    }
    return [label for key, label in named.items() if getattr(found, key)]
