"""The ASRM (variants.md §4.5) as a licensed-content form: 5 items 0-4, total 0-20, and
6 or more reads as probable (hypo)mania; no item wording ships, and no answer is a
suicidality trigger."""

from __future__ import annotations

import pytest

from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Licence

ASRM = instruments.get("asrm")


def test_it_ships_topics_and_values_only() -> None:
    assert ASRM.licence == Licence.LICENSED
    assert len(ASRM.items) == 5
    assert all([o.value for o in item.options] == [0, 1, 2, 3, 4] for item in ASRM.items)
    assert ASRM.safety == ()


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # 1 + 1 + 1 + 1 + 1 = 5: one below the cut-off.
        ((1, 1, 1, 1, 1), 5, "below the cut-off"),
        # 2 + 1 + 1 + 1 + 1 = 6: at the cut-off (>5, so 6 counts).
        ((2, 1, 1, 1, 1), 6, "probable (hypo)mania"),
        # 4 x 5 = 20: the most.
        ((4, 4, 4, 4, 4), 20, "probable (hypo)mania"),
    ],
)
def test_it_scores_by_the_sum_with_the_cut_off_at_six(answers, total, band) -> None:
    result = engine.score(ASRM, {f"q{n}": v for n, v in enumerate(answers, start=1)})
    assert result.total == total
    assert str(result.band) == band


def test_it_refuses_a_missing_item() -> None:
    with pytest.raises(engine.InvalidAnswers):
        engine.score(ASRM, {"q1": 1, "q2": 1, "q3": 1, "q4": 1})
