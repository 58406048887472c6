"""The scoring engine: validation (never prorates), reverse scoring, safety hits, and the
exhaustive PHQ-9 check over all 4^9 answer combinations (issue 4, "Done when")."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from rapport.measures import engine, instruments
from rapport.measures.engine import InvalidAnswers
from rapport.measures.instruments.base import Severity

PHQ9 = instruments.get("phq9")
PHQ9_KEYS = [f"q{number}" for number in range(1, 10)]


def phq9_band(total: int) -> str:
    """measures.md §2.2 bands, written independently of the catalogue's Band rows."""
    if total >= 20:
        return "severe"
    if total >= 15:
        return "moderately severe"
    if total >= 10:
        return "moderate"
    if total >= 5:
        return "mild"
    return "none–minimal"


def phq9_answers(*values: int, difficulty: int | None = 0) -> dict[str, int]:
    answers = dict(zip(PHQ9_KEYS, values, strict=True))
    if difficulty is not None:
        answers["difficulty"] = difficulty
    return answers


def test_it_scores_every_phq9_answer_combination_exactly() -> None:
    checked = 0
    for values in itertools.product(range(4), repeat=9):
        result = engine.score(PHQ9, phq9_answers(*values))
        total = sum(values)
        assert result.total == total
        assert result.band == phq9_band(total)
        item9 = values[8]
        if item9 == 0:
            assert result.hits == ()
        else:
            (hit,) = result.hits
            assert (hit.item, hit.value) == ("q9", item9)
            assert hit.severity == (Severity.CRITICAL if item9 >= 2 else Severity.URGENT)
        checked += 1
    assert checked == 4**9


def test_it_raises_a_phq9_item9_hit_whatever_the_total() -> None:
    result = engine.score(PHQ9, phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result.total == 1
    assert result.band == "none–minimal"
    assert [(h.item, h.severity) for h in result.hits] == [("q9", Severity.URGENT)]


def test_it_refuses_a_missing_item9_instead_of_prorating() -> None:
    answers = phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 0)
    del answers["q9"]
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, answers)
    assert set(caught.value.errors) == {"q9"}


def test_it_refuses_an_unknown_item() -> None:
    answers = phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0) | {"q11": 1}
    with pytest.raises(InvalidAnswers) as caught:
        engine.validate(PHQ9, answers)
    assert set(caught.value.errors) == {"q11"}


@pytest.mark.parametrize("value", [-1, 4, True, False, "2", 1.5, 2.0, Decimal("2"), None])
def test_it_refuses_values_off_the_scale(value: object) -> None:
    answers = phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0) | {"q3": value}
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, answers)
    assert set(caught.value.errors) == {"q3"}


@pytest.mark.parametrize("answers", [None, [1, 2, 3], "q1=1", 7, {("q1",): 1}.keys()])
def test_it_refuses_answers_that_are_not_a_mapping(answers: object) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, answers)  # type: ignore[arg-type]
    assert caught.value.errors == {engine.ALL_ITEMS: "The answers could not be read."}


def test_it_requires_the_phq9_difficulty_item_only_when_the_total_is_above_zero() -> None:
    assert engine.score(PHQ9, phq9_answers(*[0] * 9, difficulty=None)).total == 0
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, phq9_answers(0, 0, 1, 0, 0, 0, 0, 0, 0, difficulty=None))
    assert set(caught.value.errors) == {"difficulty"}


def test_it_does_not_count_the_difficulty_item_in_the_total() -> None:
    assert engine.score(PHQ9, phq9_answers(*[2] * 9, difficulty=3)).total == 18


def test_it_reports_every_error_at_once_for_the_form() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, {"q1": 9, "zz": 0})
    assert set(caught.value.errors) == {"q1", "zz", *PHQ9_KEYS[1:]}


def test_it_reverse_scores_a_reversed_item() -> None:
    item = instruments.get("epds").item("q3")
    assert [engine.item_score(item, value) for value in range(4)] == [3, 2, 1, 0]


def test_it_refuses_an_answer_to_a_question_that_was_not_asked() -> None:
    cssrs = instruments.get("cssrs_screener")
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(cssrs, {"q1": 0, "q2": 0, "q3": 1, "q6": 0})
    assert set(caught.value.errors) == {"q3"}


def test_it_uses_an_alternative_band_set_when_asked() -> None:
    hrsd = instruments.get("hrsd17")
    answers = {item.key: 0 for item in hrsd.items} | {"q1": 4, "q2": 4, "q3": 4, "q7": 2}
    assert engine.score(hrsd, answers).total == 14
    assert engine.score(hrsd, answers).band == "mild"  # Zimmerman 8–16
    assert engine.score(hrsd, answers, band_set="camcops").band == "moderate"  # 14–18


def test_it_scores_unanswered_questions_with_a_safety_answer_as_incomplete_never_prorated() -> None:
    answers = phq9_answers(3, 3, 3, 0, 3, 3, 3, 3, 1)
    del answers["q4"]
    result = engine.score(PHQ9, answers, allow_incomplete=True)
    assert (result.complete, result.total, result.band, result.subscales) == (False, None, "", {})
    assert result.unanswered == ("q4",)
    assert [(hit.item, hit.value, hit.severity) for hit in result.hits] == [
        ("q9", 1, Severity.URGENT)
    ]
    with pytest.raises(InvalidAnswers):  # without leave, unanswered questions are errors
        engine.score(PHQ9, answers)


def test_it_refuses_an_unfinished_set_without_a_safety_answer_or_off_the_scale() -> None:
    no_safety = dict.fromkeys(PHQ9_KEYS[:8], 1) | {"q9": 0}
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, no_safety, allow_incomplete=True)
    assert caught.value.only_unanswered  # only "difficulty" is missing, but nothing to alert
    off_scale = {"q1": 7, "q9": 2}
    with pytest.raises(InvalidAnswers) as caught:
        engine.score(PHQ9, off_scale, allow_incomplete=True)
    assert not caught.value.only_unanswered
    assert caught.value.errors["q1"] == "Choose one of the answers."


def test_it_asks_for_the_difficulty_item_with_the_other_unanswered_questions() -> None:
    answers = {"q1": 1, "q9": 1}  # the total is above 0 already, whatever comes next
    with pytest.raises(InvalidAnswers) as caught:
        engine.validate(PHQ9, answers)
    assert set(caught.value.errors) == set(PHQ9_KEYS[1:8]) | {"difficulty"}
    assert caught.value.unanswered == set(caught.value.errors)
