"""Outcome rules (measures.md §3), computed here and nowhere else.

* ``summarise(instrument, totals, settings)`` — baseline, latest, change,
  caseness, reliable improvement/deterioration, response, remission for one
  measure's series;
* ``recovery(phq9, gad7, attended_sessions, settings)`` — NHS Talking Therapies
  recovery and reliable recovery over the paired measures;
* ``NotOnTrackRule`` — the §3.1 phase-1 advisory, versioned so that a fitted
  expected-recovery model (phase 2) can replace it; ``evaluate(response)`` runs
  it inside services.record_response's transaction and keeps ``OutcomeFlag``
  rows current.

Thresholds come from the catalogue (instrument defaults) unless the clinic
overrides them in ``MeasuresSettings.thresholds``, e.g.
``{"phq9": {"caseness": 10, "reliable_change": 6, "remission_below": 5}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.measures import instruments
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import MeasuresSettings, OutcomeFlag, Response

NOT_ON_TRACK = "not_on_track"
# §3.1: phase 1 applies to the PHQ-9; the GAD-7 uses the same rule with its own
# reliable change (issue 4 item 5).
TRACKED = ("phq9", "gad7")
# §3 response: ≥50 % reduction from baseline (HEDIS DRR-E; HAM-D §2.6).
RESPONSE_FRACTION = 0.5

Overrides = Mapping[str, Any] | MeasuresSettings | None


@dataclass(frozen=True)
class Thresholds:
    caseness: int | None
    reliable_change: int | None
    remission_below: int | None
    remission_at_most: int | None
    response_fraction: float = RESPONSE_FRACTION
    band_set: str | None = None


def thresholds(instrument: Instrument, overrides: Overrides = None) -> Thresholds:
    """The instrument's defaults with the clinic's overrides applied (invalid values ignored)."""
    if isinstance(overrides, MeasuresSettings):
        overrides = overrides.thresholds
    mine = (overrides or {}).get(instrument.code) or {}

    def pick(name: str, default: Any, kind: type) -> Any:
        value = mine.get(name, default)
        try:
            return None if value is None else kind(value)
        except (TypeError, ValueError):
            return default  # a malformed setting must not break scoring

    return Thresholds(
        caseness=pick("caseness", instrument.caseness, int),
        reliable_change=pick("reliable_change", instrument.reliable_change, int),
        remission_below=pick("remission_below", instrument.remission_below, int),
        remission_at_most=pick("remission_at_most", instrument.remission_at_most, int),
        response_fraction=pick("response_fraction", RESPONSE_FRACTION, float),
        band_set=pick("band_set", None, str),
    )


@dataclass(frozen=True)
class Outcome:
    """One measure's course. ``change`` is latest minus baseline: negative is improvement."""

    baseline: int | None
    latest: int | None
    change: int | None
    case_at_start: bool | None  # None: the instrument has no caseness threshold
    case_now: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    response: bool
    remission: bool | None  # None: the instrument has no remission rule


def is_case(total: int | None, limits: Thresholds) -> bool | None:
    if total is None or limits.caseness is None:
        return None
    return total >= limits.caseness


def is_remission(total: int | None, limits: Thresholds) -> bool | None:
    """§3: PHQ-9 < 5 (most recent score); HRSD ≤ 7 (§2.6)."""
    if total is None:
        return None
    if limits.remission_below is not None:
        return total < limits.remission_below
    if limits.remission_at_most is not None:
        return total <= limits.remission_at_most
    return None


def reliably_improved(baseline: int, latest: int, limits: Thresholds) -> bool:
    """§3: a decrease of at least the reliable change (PHQ-9 6, GAD-7 4)."""
    return limits.reliable_change is not None and baseline - latest >= limits.reliable_change


def reliably_deteriorated(baseline: int, latest: int, limits: Thresholds) -> bool:
    """§3 [GK/VERIFY]: an increase of at least the reliable change between first and last."""
    return limits.reliable_change is not None and latest - baseline >= limits.reliable_change


def responded(baseline: int, latest: int, limits: Thresholds) -> bool:
    """§3: ≥50 % reduction from baseline; impossible from a baseline of 0."""
    return baseline > 0 and baseline - latest >= limits.response_fraction * baseline


def summarise(
    instrument: Instrument | str, totals: Sequence[int], settings: Overrides = None
) -> Outcome:
    """The outcome of one measure's series of totals, oldest first (measures.md §3)."""
    instrument = _instrument(instrument)
    limits = thresholds(instrument, settings)
    if not totals:
        return Outcome(None, None, None, None, None, False, False, False, None)
    baseline, latest = totals[0], totals[-1]
    return Outcome(
        baseline=baseline,
        latest=latest,
        change=latest - baseline,
        case_at_start=is_case(baseline, limits),
        case_now=is_case(latest, limits),
        reliable_improvement=reliably_improved(baseline, latest, limits),
        reliable_deterioration=reliably_deteriorated(baseline, latest, limits),
        response=responded(baseline, latest, limits),
        remission=is_remission(latest, limits),
    )


def summary_labels(code: str, baseline: int, latest: int, overrides: Overrides = None) -> list[str]:
    """Change from baseline and the outcome labels that apply, for notes and charts."""
    outcome = summarise(code, [baseline, latest], overrides)
    change = outcome.change or 0
    labels = [_("%(change)+d from baseline") % {"change": change} if change else _("no change")]
    if outcome.reliable_improvement:
        labels.append(_("reliable improvement"))
    if outcome.reliable_deterioration:
        labels.append(_("reliable deterioration"))
    if outcome.response:
        labels.append(_("response (≥50% reduction)"))
    if outcome.remission:
        labels.append(_("remission"))
    if outcome.case_at_start and outcome.case_now is False:
        labels.append(_("below caseness"))
    return labels


@dataclass(frozen=True)
class Recovery:
    """NHS Talking Therapies outcome for one course (measures.md §3)."""

    finished_course: bool
    case_at_start: bool
    case_at_end: bool
    recovered: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    reliably_recovered: bool


def recovery(
    phq9: Sequence[int],
    gad7: Sequence[int],
    attended_sessions: int,
    settings: Overrides = None,
) -> Recovery:
    """Recovery and reliable recovery per NHS Talking Therapies (measures.md §3).

    * finished a course of treatment: ≥ 2 attended treatment sessions;
    * at caseness at the start on *either* measure (PHQ-9 ≥ 10 or GAD-7 ≥ 8);
    * recovered: finished, at caseness at the start, and at the end below caseness
      on *both* measures;
    * reliable recovery: recovered and reliable improvement.

    The paired combination rule is [VERIFY] in measures.md §3. Chosen here, after
    NHS Digital's published definitions: *reliable improvement* means at least one
    measure improved by its reliable change and neither reliably deteriorated;
    *reliable deterioration* means at least one measure reliably deteriorated and
    neither reliably improved. A client with only one measure is judged on that
    one. With mixed change (one better, one worse) neither applies.
    """
    outcomes = [
        summarise(code, series, settings)
        for code, series in (("phq9", phq9), ("gad7", gad7))
        if series
    ]
    improved = any(o.reliable_improvement for o in outcomes)
    worse = any(o.reliable_deterioration for o in outcomes)
    finished = attended_sessions >= 2
    case_at_start = any(o.case_at_start for o in outcomes)
    case_at_end = any(o.case_now for o in outcomes)
    recovered = finished and case_at_start and not case_at_end
    reliable_improvement = improved and not worse
    return Recovery(
        finished_course=finished,
        case_at_start=case_at_start,
        case_at_end=case_at_end,
        recovered=recovered,
        reliable_improvement=reliable_improvement,
        reliable_deterioration=worse and not improved,
        reliably_recovered=recovered and reliable_improvement,
    )


@dataclass(frozen=True)
class Point:
    session: int
    total: int


class NotOnTrackRule:
    """measures.md §3.1 phase 1: an advisory, not a diagnosis.

    Fires when, with at least ``min_points`` scores,

    * the latest score is ``reliable_change`` or more above baseline (reliable
      deterioration, at any session), or
    * at session ≥ ``from_session``, the score has fallen by less than the reliable
      change *and* by less than ``min_improvement`` (25 %) of baseline.

    A phase-2 model replaces this by offering the same ``version`` and
    ``reasons(points, limits)``; each flag stores the version that raised it.
    """

    version = "not-on-track-rule/1"
    min_points = 3
    from_session = 4  # §3.1 caution: late responders make session 3 too early
    min_improvement = 0.25

    def reasons(self, points: Sequence[Point], limits: Thresholds) -> list[str]:
        """Why the course is not on track; empty when it is, or when it is too early to say."""
        if len(points) < self.min_points or limits.reliable_change is None:
            return []
        baseline, latest = points[0].total, points[-1]
        if reliably_deteriorated(baseline, latest.total, limits):
            return [
                _(
                    "The score has risen by %(rise)d points since baseline (%(baseline)d → "
                    "%(latest)d): a reliable deterioration (%(threshold)d or more)."
                )
                % {
                    "rise": latest.total - baseline,
                    "baseline": baseline,
                    "latest": latest.total,
                    "threshold": limits.reliable_change,
                }
            ]
        if latest.session < self.from_session:
            return []
        drop = baseline - latest.total
        if drop >= limits.reliable_change or drop >= self.min_improvement * baseline:
            return []
        return [
            _(
                "At session %(session)d the score has changed by %(change)+d since baseline "
                "(%(baseline)d → %(latest)d): less than the reliable improvement of %(threshold)d "
                "points and less than a %(percent)d%% reduction."
            )
            % {
                "session": latest.session,
                "change": -drop,
                "baseline": baseline,
                "latest": latest.total,
                "threshold": limits.reliable_change,
                "percent": round(self.min_improvement * 100),
            }
        ]


RULE = NotOnTrackRule()


def evaluate(response: Response) -> OutcomeFlag | None:
    """Keep the not-on-track flag of this response's episode and measure current.

    Called inside services.record_response's transaction. Two reads (the series,
    the clinic's thresholds) and at most two writes. The flag that fires replaces
    any earlier active one; when the rule no longer fires, active flags retire.
    """
    if response.instrument not in TRACKED or response.context_id is None:
        return None
    instrument = instruments.get(response.instrument)
    points = series(response.context_id, instrument.code)
    overrides = MeasuresSettings.objects.filter(clinic_id=response.client.clinic_id).first()
    reasons = RULE.reasons(points, thresholds(instrument, overrides))
    earlier = OutcomeFlag.objects.filter(
        context_id=response.context_id, instrument=instrument.code, kind=NOT_ON_TRACK, active=True
    )
    earlier.update(active=False)
    if not reasons:
        return None
    return OutcomeFlag.objects.create(
        clinic_id=response.clinic_id,
        client_id=response.client_id,
        context_id=response.context_id,
        instrument=instrument.code,
        kind=NOT_ON_TRACK,
        rule_version=RULE.version,
        reasons=reasons,
        response=response,
        created_at=timezone.now(),
    )


def series(context_id: Any, code: str) -> list[Point]:
    """The episode's scores for one measure, corrections in place of what they correct.

    One query. Order is submission order, a correction taking the place of the
    response it corrects; the session number is the recorded one, else the position.
    Incomplete responses are left out: no total, never prorated (measures.md §2.2).
    """
    rows = list(
        Response.objects.filter(context_id=context_id, instrument=code, complete=True)
        .order_by("submitted_at", "pk")
        .values("pk", "corrects_id", "session_number", "total")
    )
    corrected = {row["corrects_id"] for row in rows if row["corrects_id"]}
    position = {row["pk"]: index for index, row in enumerate(rows)}
    by_pk = {row["pk"]: row for row in rows}

    def slot(row: dict[str, Any]) -> int:
        # Follow a correction chain back to the original's place in the series.
        while row["corrects_id"] in by_pk:
            row = by_pk[row["corrects_id"]]
        return position[row["pk"]]

    current = sorted(
        (row for row in rows if row["pk"] not in corrected and row["total"] is not None),
        key=slot,
    )
    return [
        Point(
            session=index if row["session_number"] is None else row["session_number"],
            total=row["total"],
        )
        for index, row in enumerate(current, start=1)
    ]


def _instrument(instrument: Instrument | str) -> Instrument:
    return instruments.get(instrument) if isinstance(instrument, str) else instrument
