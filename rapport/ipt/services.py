"""Operations on an episode that span several rows (STYLE.md §4)."""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.ipt import catalogue, variants
from rapport.ipt.models import Contract, Episode, EpisodeTask, Goal, VariantChange
from rapport.measures import schedule


class EpisodeError(Exception):
    """A clinical rule refuses the operation; the message says which, for the user."""


class StaleContract(EpisodeError):
    """Someone renegotiated after the form was opened."""


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
    """Start a course of IPT with its variant's phases, initial-phase checklist (§1.3)
    and measurement schedule in place (variants.py)."""
    if client.episodes.active().exists():
        raise EpisodeError(_("This client already has an active episode; close it first."))
    definition = variants.get(variant)
    episode = Episode.objects.create(
        client=client,
        therapist=therapist,
        started_on=started_on,
        episode_type=episode_type,
        variant=definition.code,
        baseline_phq9=baseline_phq9,
        clinician_rated_severe=clinician_rated_severe,
        initial_phase_sessions=definition.initial_sessions,
        termination_phase_sessions=definition.termination_sessions,
    )
    EpisodeTask.objects.bulk_create(
        EpisodeTask(episode=episode, code=task.code) for task in definition.all_initial_tasks()
    )
    apply_measure_defaults(episode)
    return episode


def apply_measure_defaults(episode: Episode) -> list[Any]:
    """measures.md §2.10 and the variant's schedule (variants.py): add what is missing.

    A grief focus adds the grief measure at start and end, whatever the variant.
    """
    rows = variants.of(episode).schedule_rows()
    if catalogue.ProblemArea.GRIEF in (
        episode.primary_problem_area,
        episode.secondary_problem_area,
    ):
        rows += schedule.GRIEF_DEFAULTS
    return schedule.apply_rows(episode.client, episode.public_id, rows)


def ensure_termination_tasks(episode: Episode) -> None:
    """§1.7: the termination checklist appears once the episode reaches that phase."""
    have = set(episode.tasks.values_list("code", flat=True))
    EpisodeTask.objects.bulk_create(
        EpisodeTask(episode=episode, code=task.code)
        for task in variants.of(episode).all_termination_tasks()
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
    """The variant's session count; standard IPT asks 16 when severe (§4.2), else 12."""
    return variants.of(episode).default_planned(
        phq9=episode.baseline_phq9, clinician_severe=episode.clinician_rated_severe
    )


def is_severe(episode: Episode) -> bool:
    """§4.2: clinician-rated severe, or baseline PHQ-9 ≥ 16 (NICE NG222's "more severe")."""
    phq9 = episode.baseline_phq9
    return episode.clinician_rated_severe or (phq9 is not None and phq9 >= catalogue.SEVERE_PHQ9)


def planned_sessions_reason(episode: Episode) -> str:
    """Why planned_sessions_default chose its number, in words the therapist can check."""
    definition = variants.of(episode)
    if not definition.severe_sessions:
        return _("%(manual)s: a %(n)s-session course by default.") % {
            "manual": definition.label,
            "n": definition.planned_sessions,
        }
    if episode.clinician_rated_severe:
        return _("You rated the depression severe, so 16 sessions are suggested.")
    if is_severe(episode):
        return _("The baseline PHQ-9 is %(score)s (16 or more), so 16 sessions are suggested.") % {
            "score": episode.baseline_phq9
        }
    if episode.baseline_phq9 is None:
        return _(
            "No baseline PHQ-9 is recorded and the depression is not rated severe, "
            "so 12 sessions are suggested."
        )
    return _("The baseline PHQ-9 is %(score)s (under 16), so 12 sessions are suggested.") % {
        "score": episode.baseline_phq9
    }


# Less frequent comes later: a taper moves down this list (§4.1).
FREQUENCY_ORDER = [
    Contract.Frequency.TWICE_WEEKLY,
    Contract.Frequency.WEEKLY,
    Contract.Frequency.FORTNIGHTLY,
    Contract.Frequency.MONTHLY,
]


def expected_end(start: date, sessions: int, frequency: str) -> date:
    """The date of the last of ``sessions`` sessions, the first on ``start``."""
    gaps = max(sessions - 1, 0)
    if frequency == Contract.Frequency.MONTHLY:
        return _add_months(start, gaps)
    days = {
        Contract.Frequency.TWICE_WEEKLY: 3.5,
        Contract.Frequency.WEEKLY: 7,
        Contract.Frequency.FORTNIGHTLY: 14,
    }[frequency]
    return start + timedelta(days=math.ceil(gaps * days))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_focus(episode: Episode) -> str:
    """§1.3 task 9: the contract's focus names the chosen problem area(s)."""
    if not episode.primary_problem_area:
        return ""
    focus = _("Primary problem area: %(area)s.") % {
        "area": variants.of(episode).area_label(episode.primary_problem_area)
    }
    if episode.secondary_problem_area:
        focus += " " + _("Secondary: %(area)s.") % {
            "area": variants.of(episode).area_label(episode.secondary_problem_area)
        }
    return focus


def acute_range_applies(episode: Episode) -> bool:
    """§4.1: the initial contract of an acute course is 12–16 sessions."""
    return episode.episode_type == catalogue.EpisodeType.ACUTE


@transaction.atomic
def create_contract(episode: Episode, *, by: Any, **fields: Any) -> Contract:
    """The first version of the treatment contract (§1.3 task 9)."""
    if not episode.primary_problem_area:
        raise EpisodeError(_("Choose a primary problem area before agreeing a contract."))
    if episode.contracts.exists():
        raise EpisodeError(_("This episode already has a contract: renegotiate it instead."))
    return Contract.objects.create(
        episode=episode, version=1, kind=Contract.Kind.INITIAL, created_by=by, **fields
    )


def renegotiation_problem(
    episode: Episode,
    current: Contract,
    initial_planned: int,
    *,
    kind: str,
    planned: int,
    frequency: str,
    held: int,
) -> tuple[str, str] | None:
    """The field and the rule of §4.1 a renegotiation breaks, or None when it may go ahead."""
    if planned < held:
        message = _("%(held)s sessions have already been held; plan at least that many.")
        return "planned_sessions", message % {"held": held}
    if kind == Contract.Kind.EXTENSION:
        return _extension_problem(episode, current, initial_planned, planned)
    if kind == Contract.Kind.EARLY_END and planned >= current.planned_sessions:
        message = _("An early end must plan fewer than the current %(planned)s sessions.")
        return "planned_sessions", message % {"planned": current.planned_sessions}
    if kind == Contract.Kind.TAPER:
        if FREQUENCY_ORDER.index(frequency) <= FREQUENCY_ORDER.index(current.frequency):
            message = _("A taper must make sessions less frequent than now (%(frequency)s).")
            return "frequency", message % {"frequency": current.get_frequency_display().lower()}
        if planned > current.planned_sessions:
            return "planned_sessions", _("A taper cannot add sessions: record an extension.")
    return None


def _extension_problem(
    episode: Episode, current: Contract, initial_planned: int, planned: int
) -> tuple[str, str] | None:
    if planned <= current.planned_sessions:
        message = _("An extension must plan more than the current %(planned)s sessions.")
        return "planned_sessions", message % {"planned": current.planned_sessions}
    # Counted from the initial contract, so repeated extensions cannot make the
    # course open-ended (§4.1: offer other treatment to non-improvers instead).
    added = planned - initial_planned
    if added > catalogue.MAX_EXTENSION and not is_severe(episode):
        message = _(
            "Extensions may add at most %(max)s sessions to the initial contract of "
            "%(initial)s (this would add %(added)s). More is possible only when the "
            "depression is rated severe or the baseline PHQ-9 is 16 or more: record that "
            "in the episode settings first."
        )
        values = {"max": catalogue.MAX_EXTENSION, "initial": initial_planned, "added": added}
        return "planned_sessions", message % values
    return None


@transaction.atomic
def renegotiate_contract(
    episode: Episode, *, based_on: int, by: Any, kind: str, **fields: Any
) -> Contract:
    """§1.3 task 9, §4.1: a change is explicit, a new version with its reason; none is edited."""
    current = episode.contracts.select_for_update().order_by("-version").first()
    if current is None:
        raise EpisodeError(_("Agree the initial contract first."))
    if current.version != based_on:
        raise StaleContract
    return Contract.objects.create(
        episode=episode, version=current.version + 1, kind=kind, created_by=by, **fields
    )


def choose_problem_areas(episode: Episode) -> None:
    """§1.4: a newly chosen area brings its catalogue goals (kept if the area is dropped);
    a grief focus adds the grief measure at start and end (measures.md §2.10)."""
    prefill_goals(episode, episode.primary_problem_area)
    prefill_goals(episode, episode.secondary_problem_area)
    areas = {episode.primary_problem_area, episode.secondary_problem_area}
    if catalogue.ProblemArea.GRIEF in areas:
        apply_measure_defaults(episode)


def variant_change_problem(episode: Episode, to_variant: str) -> str | None:
    """Why the episode cannot move to this variant now, or None (variants.md §0)."""
    if to_variant == episode.variant:
        return _("The episode already follows this manual.")
    target = variants.get(to_variant)
    for area in (episode.primary_problem_area, episode.secondary_problem_area):
        if area and area not in target.problem_areas:
            return _(
                "%(manual)s does not use the problem area “%(area)s”: change the focus in "
                "the formulation first."
            ) % {"manual": target.label, "area": variants.of(episode).area_label(area)}
    return None


@transaction.atomic
def change_variant(episode: Episode, *, to_variant: str, reason: str, by: Any) -> VariantChange:
    """Move a running episode to another manual: explicit, with its reason, kept.

    The new manual's phase split, checklist items and measures are added; nothing
    recorded is removed, and the contract stays as agreed (renegotiate it to change
    the session count).
    """
    problem = variant_change_problem(episode, to_variant)
    if problem:
        raise EpisodeError(problem)
    target = variants.get(to_variant)
    change = VariantChange.objects.create(
        episode=episode,
        from_variant=episode.variant,
        to_variant=target.code,
        reason=reason,
        changed_by=by,
    )
    episode.variant = target.code
    episode.initial_phase_sessions = target.initial_sessions
    episode.termination_phase_sessions = target.termination_sessions
    episode.version += 1
    episode.save(
        update_fields=[
            "variant",
            "initial_phase_sessions",
            "termination_phase_sessions",
            "version",
        ]
    )
    have = set(episode.tasks.values_list("code", flat=True))
    wanted = list(target.all_initial_tasks())
    if have & {task.code for task in catalogue.TERMINATION_TASKS}:
        wanted += target.all_termination_tasks()
    EpisodeTask.objects.bulk_create(
        EpisodeTask(episode=episode, code=task.code) for task in wanted if task.code not in have
    )
    apply_measure_defaults(episode)
    return change
