"""Outcome rules (measures.md §3) and the not-on-track advisory (§3.1)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from rapport.measures import outcomes, services
from rapport.measures.models import MeasuresSettings, OutcomeFlag, Response, SafetyAlert
from rapport.measures.outcomes import RULE, Point

PHQ9_TOTAL = st.integers(0, 27)
GAD7_TOTAL = st.integers(0, 21)


# -- summarise: properties ------------------------------------------------------------------


@given(baseline=PHQ9_TOTAL, latest=PHQ9_TOTAL)
def test_it_calls_a_response_exactly_when_latest_is_at_most_half_of_baseline(
    baseline: int, latest: int
) -> None:
    outcome = outcomes.summarise("phq9", [baseline, latest])
    assert outcome.response == (baseline > 0 and 2 * latest <= baseline)


@given(baseline=PHQ9_TOTAL, middle=st.lists(PHQ9_TOTAL, max_size=5), latest=PHQ9_TOTAL)
def test_it_judges_reliable_change_on_first_and_last_phq9_by_6(
    baseline: int, middle: list[int], latest: int
) -> None:
    outcome = outcomes.summarise("phq9", [baseline, *middle, latest])
    assert outcome.change == latest - baseline
    assert outcome.reliable_improvement == (baseline - latest >= 6)
    assert outcome.reliable_deterioration == (latest - baseline >= 6)
    assert not (outcome.reliable_improvement and outcome.reliable_deterioration)


@given(baseline=GAD7_TOTAL, latest=GAD7_TOTAL)
def test_it_judges_gad7_reliable_change_by_4_and_caseness_at_8(baseline: int, latest: int) -> None:
    outcome = outcomes.summarise("gad7", [baseline, latest])
    assert outcome.reliable_improvement == (baseline - latest >= 4)
    assert outcome.reliable_deterioration == (latest - baseline >= 4)
    assert outcome.case_at_start == (baseline >= 8)
    assert outcome.case_now == (latest >= 8)
    assert outcome.remission is None  # no GAD-7 remission rule in §3


@given(baseline=PHQ9_TOTAL, latest=PHQ9_TOTAL)
def test_it_calls_phq9_remission_below_5_and_caseness_from_10(baseline: int, latest: int) -> None:
    outcome = outcomes.summarise("phq9", [baseline, latest])
    assert outcome.remission == (latest < 5)
    assert outcome.case_at_start == (baseline >= 10)
    assert outcome.case_now == (latest >= 10)


@given(baseline=st.integers(0, 52), latest=st.integers(0, 52))
def test_it_calls_hrsd_remission_at_7_or_less(baseline: int, latest: int) -> None:
    outcome = outcomes.summarise("hrsd17", [baseline, latest])
    assert outcome.remission == (latest <= 7)
    assert outcome.response == (baseline > 0 and 2 * latest <= baseline)


def test_it_summarises_an_empty_series_as_nothing_known() -> None:
    outcome = outcomes.summarise("phq9", [])
    assert outcome.baseline is None
    assert not outcome.response
    assert outcome.remission is None


def test_it_summarises_a_worked_phq9_course() -> None:
    outcome = outcomes.summarise("phq9", [18, 14, 11, 8])
    assert (outcome.baseline, outcome.latest, outcome.change) == (18, 8, -10)
    assert outcome.case_at_start
    assert not outcome.case_now
    assert outcome.reliable_improvement
    assert outcome.response
    assert not outcome.remission


@pytest.mark.parametrize("overrides", ["dict", "settings"])
def test_it_applies_the_clinics_threshold_overrides(overrides: str) -> None:
    values = {"phq9": {"caseness": 12, "reliable_change": 5, "remission_below": 3}}
    given_overrides: Any = values if overrides == "dict" else MeasuresSettings(thresholds=values)
    default = outcomes.summarise("phq9", [11, 6, 4])
    clinic = outcomes.summarise("phq9", [11, 6, 4], given_overrides)
    assert (default.case_at_start, default.reliable_improvement, default.remission) == (
        True,
        True,
        True,
    )
    assert (clinic.case_at_start, clinic.reliable_improvement, clinic.remission) == (
        False,
        True,
        False,
    )
    assert outcomes.summarise("phq9", [11, 6], given_overrides).reliable_improvement


def test_it_ignores_a_malformed_override() -> None:
    limits = outcomes.thresholds(outcomes.instruments.get("phq9"), {"phq9": {"caseness": "x"}})
    assert limits.caseness == 10


def test_it_labels_a_summary_for_the_note() -> None:
    labels = outcomes.summary_labels("phq9", 18, 4)
    assert labels == [
        "-14 from baseline",
        "reliable improvement",
        "response (≥50% reduction)",
        "remission",
        "below caseness",
    ]
    assert outcomes.summary_labels("gad7", 5, 12) == ["+7 from baseline", "reliable deterioration"]


# -- recovery (NHS Talking Therapies) -------------------------------------------------------


def test_it_finds_reliable_recovery_when_both_measures_fall_below_caseness() -> None:
    result = outcomes.recovery([15, 12, 8], [10, 6], attended_sessions=6)
    assert result.finished_course
    assert result.case_at_start
    assert not result.case_at_end
    assert result.recovered
    assert result.reliable_improvement
    assert result.reliably_recovered


def test_it_does_not_call_recovery_while_either_measure_is_at_caseness() -> None:
    result = outcomes.recovery([15, 8], [6, 9], attended_sessions=6)
    assert result.case_at_start
    assert result.case_at_end
    assert not result.recovered


def test_it_needs_two_attended_sessions_to_finish_a_course() -> None:
    assert not outcomes.recovery([15, 4], [10, 2], attended_sessions=1).recovered
    assert outcomes.recovery([15, 4], [10, 2], attended_sessions=2).recovered


def test_it_does_not_count_recovery_for_a_client_not_at_caseness_at_start() -> None:
    result = outcomes.recovery([9, 2], [7, 1], attended_sessions=8)
    assert not result.case_at_start
    assert not result.recovered


def test_it_calls_neither_reliable_improvement_nor_deterioration_on_mixed_change() -> None:
    result = outcomes.recovery([15, 8], [3, 8], attended_sessions=6)
    assert not result.reliable_improvement
    assert not result.reliable_deterioration
    worse = outcomes.recovery([12, 13], [3, 8], attended_sessions=6)
    assert worse.reliable_deterioration
    assert not worse.reliable_improvement


def test_it_separates_recovery_from_reliable_recovery() -> None:
    # Caseness only just (10 → 9): recovered, but a 1-point fall is not reliable.
    result = outcomes.recovery([10, 9], [], attended_sessions=4)
    assert result.recovered
    assert not result.reliable_improvement
    assert not result.reliably_recovered


@given(
    phq9=st.lists(PHQ9_TOTAL, max_size=6),
    gad7=st.lists(GAD7_TOTAL, max_size=6),
    attended=st.integers(0, 20),
)
def test_it_keeps_recovery_consistent_with_its_definition(
    phq9: list[int], gad7: list[int], attended: int
) -> None:
    result = outcomes.recovery(phq9, gad7, attended)
    starts = [s[0] >= c for s, c in ((phq9, 10), (gad7, 8)) if s]
    ends = [s[-1] >= c for s, c in ((phq9, 10), (gad7, 8)) if s]
    assert result.recovered == (attended >= 2 and any(starts) and not any(ends))
    assert result.reliably_recovered == (result.recovered and result.reliable_improvement)
    assert not (result.reliable_improvement and result.reliable_deterioration)


# -- the not-on-track rule ------------------------------------------------------------------

PHQ9_LIMITS = outcomes.thresholds(outcomes.instruments.get("phq9"))


def points(*totals: int) -> list[Point]:
    return [Point(session, total) for session, total in enumerate(totals, start=1)]


@given(totals=st.lists(PHQ9_TOTAL, max_size=2))
def test_it_never_flags_with_fewer_than_three_points(totals: list[int]) -> None:
    assert RULE.reasons(points(*totals), PHQ9_LIMITS) == []


@given(
    baseline=st.integers(0, 21), middle=st.lists(PHQ9_TOTAL, min_size=1, max_size=8), rise=st.data()
)
def test_it_flags_a_reliable_deterioration_at_any_session(
    baseline: int, middle: list[int], rise: st.DataObject
) -> None:
    latest = rise.draw(st.integers(baseline + 6, 27))
    reasons = RULE.reasons(points(baseline, *middle, latest), PHQ9_LIMITS)
    assert len(reasons) == 1
    assert "reliable deterioration" in reasons[0]


@given(totals=st.lists(PHQ9_TOTAL, min_size=3, max_size=12))
def test_it_flags_exactly_per_the_phase_1_rule(totals: list[int]) -> None:
    baseline, latest, session = totals[0], totals[-1], len(totals)
    drop = baseline - latest
    expected = drop <= -6 or (session >= 4 and drop < 6 and 4 * drop < baseline)
    assert bool(RULE.reasons(points(*totals), PHQ9_LIMITS)) == expected


def test_it_waits_for_session_4_before_calling_slow_progress() -> None:
    assert RULE.reasons(points(16, 15, 15), PHQ9_LIMITS) == []
    (reason,) = RULE.reasons(points(16, 15, 15, 14), PHQ9_LIMITS)
    assert "session 4" in reason
    assert "16 → 14" in reason


def test_it_accepts_a_25_percent_fall_short_of_reliable_change() -> None:
    assert RULE.reasons(points(16, 15, 14, 12), PHQ9_LIMITS) == []  # 4 = 25 % of 16


def test_it_uses_the_recorded_session_number_for_the_session_4_rule() -> None:
    later = [Point(1, 16), Point(3, 15), Point(5, 15)]
    assert RULE.reasons(later, PHQ9_LIMITS)
    assert RULE.version == "not-on-track-rule/1"


# -- evaluate(): the flag rows --------------------------------------------------------------


def phq9_answers(total: int, item9: int = 0) -> dict[str, int]:
    answers = {f"q{n}": 0 for n in range(1, 10)} | {"q9": item9}
    remaining = total - item9
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, remaining)
        remaining -= answers[f"q{n}"]
    assert remaining == 0
    return answers | ({"difficulty": 1} if total else {})


def gad7_answers(total: int) -> dict[str, int]:
    answers: dict[str, int] = {}
    for n in range(1, 8):
        answers[f"q{n}"] = min(3, total)
        total -= answers[f"q{n}"]
    return answers


def record(cast: SimpleNamespace, code: str, total: int, **fields: Any) -> Response:
    answers = phq9_answers(total) if code == "phq9" else gad7_answers(total)
    return services.record_response(
        client=cast.client,
        instrument_code=code,
        answers=answers,
        mode=Response.Mode.IN_SESSION,
        entered_by=cast.therapist,
        context_id=fields.pop("context_id", cast.episode.public_id),
        **fields,
    )


def active_flags(cast: SimpleNamespace) -> list[OutcomeFlag]:
    return list(OutcomeFlag.objects.filter(context_id=cast.episode.public_id, active=True))


@pytest.mark.django_db
def test_it_flags_a_non_responder_at_session_4_and_retires_the_flag_on_improvement(
    cast: SimpleNamespace,
) -> None:
    for total in (16, 15, 15):
        record(cast, "phq9", total)
    assert active_flags(cast) == []
    fourth = record(cast, "phq9", 14)
    (flag,) = active_flags(cast)
    assert (flag.kind, flag.instrument, flag.rule_version) == (
        "not_on_track",
        "phq9",
        "not-on-track-rule/1",
    )
    assert flag.response == fourth
    assert flag.client == cast.client
    assert "session 4" in flag.reasons[0]
    record(cast, "phq9", 15)
    (newer,) = active_flags(cast)
    assert newer.pk != flag.pk
    assert "session 5" in newer.reasons[0]
    record(cast, "phq9", 9)  # -7: reliable improvement
    assert active_flags(cast) == []
    assert OutcomeFlag.objects.filter(context_id=cast.episode.public_id).count() == 2


@pytest.mark.django_db
def test_it_flags_a_deterioration_at_session_3(cast: SimpleNamespace) -> None:
    for total in (8, 10):
        record(cast, "phq9", total)
    assert active_flags(cast) == []
    record(cast, "phq9", 14)
    (flag,) = active_flags(cast)
    assert "reliable deterioration" in flag.reasons[0]


@pytest.mark.django_db
def test_it_tracks_gad7_separately_with_its_own_threshold(cast: SimpleNamespace) -> None:
    for total in (12, 11, 11, 10):  # -2 of 12: under 4 and under 25 %
        record(cast, "gad7", total)
    for total in (16, 12, 11, 9):  # responding PHQ-9
        record(cast, "phq9", total)
    assert [flag.instrument for flag in active_flags(cast)] == ["gad7"]


@pytest.mark.django_db
def test_it_puts_a_correction_in_the_place_of_what_it_corrects(cast: SimpleNamespace) -> None:
    first = record(cast, "phq9", 16)
    record(cast, "phq9", 15)
    record(cast, "phq9", 15)
    record(cast, "phq9", 14)
    assert active_flags(cast)
    # The baseline was mis-entered: 20, not 16, so the course is improving after all.
    record(cast, "phq9", 20, corrects=first, correction_reason="Transcription error")
    assert [p.total for p in outcomes.series(cast.episode.public_id, "phq9")] == [20, 15, 15, 14]
    assert active_flags(cast) == []  # 20 → 14 is a reliable improvement


@pytest.mark.django_db
def test_it_ignores_responses_outside_an_episode_and_untracked_measures(
    cast: SimpleNamespace,
) -> None:
    for total in (8, 10, 20):
        record(cast, "phq9", total, context_id=None)
    assert OutcomeFlag.objects.count() == 0
    hrsd = Response(instrument="hrsd17", context_id=cast.episode.public_id, client=cast.client)
    assert outcomes.evaluate(hrsd) is None


@pytest.mark.django_db
def test_it_applies_the_clinics_reliable_change_to_the_flag(cast: SimpleNamespace) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"thresholds": {"phq9": {"reliable_change": 2}}}
    )
    for total in (16, 15, 15, 14):  # -2 now counts as reliable improvement
        record(cast, "phq9", total)
    assert active_flags(cast) == []


@pytest.mark.django_db
def test_it_evaluates_in_a_constant_number_of_queries(cast: SimpleNamespace) -> None:
    def queries_for_next() -> int:
        response = record(cast, "phq9", 15)
        with CaptureQueriesContext(connection) as captured:
            outcomes.evaluate(response)
        return len(captured)

    for total in (16, 15, 15):
        record(cast, "phq9", total)
    few = queries_for_next()
    for _ in range(6):
        record(cast, "phq9", 15)
    assert queries_for_next() == few <= 4


@pytest.mark.django_db
def test_it_records_a_positive_phq9_end_to_end_with_its_alert_and_outcomes(
    cast: SimpleNamespace,
) -> None:
    response = services.record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=phq9_answers(18, item9=2),
        mode=Response.Mode.IN_SESSION,
        entered_by=cast.therapist,
        context_id=cast.episode.public_id,
        session_number=1,
    )
    assert (response.total, response.band) == (18, "moderately severe")
    (alert,) = SafetyAlert.objects.filter(response=response)
    assert (alert.item, alert.value, alert.severity) == ("q9", 2, "critical")
    assert OutcomeFlag.objects.count() == 0  # one point: too early to say


def test_a_clinic_can_choose_the_hrsd_band_convention(cast) -> None:
    from rapport.measures import instruments, services
    from rapport.measures.models import MeasuresSettings

    hrsd = instruments.get("hrsd17")
    answers = {item.key: 0 for item in hrsd.items if item.required}
    # Total 15: "mild" for Zimmerman (8–16), "moderate" for CamCOPS (14–18), §2.6.
    remaining = 15
    for item in hrsd.scored_items:
        top = max(option.value for option in item.options)
        answers[item.key] = min(top, remaining)
        remaining -= answers[item.key]
    record = {"client": cast.client, "instrument_code": "hrsd17", "mode": "clinician"}
    first = services.record_response(answers=answers, **record)
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"thresholds": {"hrsd17": {"band_set": "camcops"}}}
    )
    second = services.record_response(answers=answers, **record)
    assert (first.total, first.band, second.band) == (15, "mild", "moderate")
