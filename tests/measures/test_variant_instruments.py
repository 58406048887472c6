"""ED, PTSD and perinatal instruments: worked examples (variants.md §5.3, §6.3, §7.2)."""

from __future__ import annotations

import pytest

from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Licence


def _pcl5(**values: int) -> dict[str, int]:
    return {f"q{n}": values.get(f"q{n}", 0) for n in range(1, 21)}


# -- PCL-5 (§6.3) -----------------------------------------------------------------------------


def test_it_ships_the_pcl5_with_its_public_domain_wording() -> None:
    pcl5 = instruments.get("pcl5")
    assert pcl5.licence == Licence.PUBLIC
    assert len(pcl5.items) == 20
    assert pcl5.max_total == 80
    assert str(pcl5.item("q1").text) == (
        "Repeated, disturbing, and unwanted memories of the stressful experience?"
    )
    assert [str(o.label) for o in pcl5.item("q20").options] == [
        "Not at all",
        "A little bit",
        "Moderately",
        "Quite a bit",
        "Extremely",
    ]
    assert "[VERIFY]" in str(pcl5.licence_note)  # LOINC not confirmed
    assert not pcl5.loinc_panel  # never 96762-0, the Barthel panel elsewhere (§6.3)


def test_it_scores_pcl5_clusters_b_1_5_c_6_7_d_8_14_e_15_20() -> None:
    # Every item "moderately" (2): 40 in all; B 10, C 4, D 14, E 12.
    result = engine.score(instruments.get("pcl5"), _pcl5(**{f"q{n}": 2 for n in range(1, 21)}))
    assert result.total == 40
    assert result.subscales == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert result.band == "provisional PTSD"
    assert result.rule_met is True


@pytest.mark.parametrize(("total", "band"), [(32, "below the cut-off"), (33, "provisional PTSD")])
def test_it_flags_pcl5_at_the_default_cut_off_33(total: int, band: str) -> None:
    answers, left = _pcl5(), total
    for n in range(1, 21):
        answers[f"q{n}"] = min(4, left)
        left -= answers[f"q{n}"]
    assert engine.score(instruments.get("pcl5"), answers).band == band


def test_it_reports_the_dsm5_rule_apart_from_the_total() -> None:
    pcl5 = instruments.get("pcl5")
    # Intrusions and arousal only, all "extremely": 44 ≥ 33, but no C or D item ≥2.
    high = _pcl5(**{f"q{n}": 4 for n in (1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20)})
    result = engine.score(pcl5, high)
    assert (result.total, result.band, result.rule_met) == (44, "provisional PTSD", False)
    # The minimum the rule needs, each at 2: one B, one C, two D, two E → 12, below 33.
    least = _pcl5(q1=2, q6=2, q8=2, q9=2, q15=2, q16=2)
    result = engine.score(pcl5, least)
    assert (result.total, result.band, result.rule_met) == (12, "below the cut-off", True)
    # A "1" does not count towards the rule.
    assert engine.score(pcl5, least | {"q16": 1}).rule_met is False


def test_it_has_no_safety_trigger_on_pcl5() -> None:
    # safety.md §5.1 lists the triggers; the PCL-5 is not among them.
    assert instruments.get("pcl5").safety == ()


# -- PC-PTSD-5 and SCOFF: licensed-content forms (§6.3, §5.3) ---------------------------------


def test_it_scores_pcptsd5_positive_at_three_yes_after_the_gate() -> None:
    screen = instruments.get("pcptsd5")
    assert screen.licence == Licence.LICENSED
    assert "[VERIFY]" in str(screen.licence_note)
    three = {"exposure": 1, "q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0}
    assert engine.score(screen, three).band == "positive screen"
    two = three | {"q3": 0}
    assert (engine.score(screen, two).total, engine.score(screen, two).band) == (
        2,
        "negative screen",
    )
    # No exposure: the five questions are not asked.
    assert engine.score(screen, {"exposure": 0}).total == 0
    with pytest.raises(engine.InvalidAnswers):
        engine.score(screen, {"exposure": 0, "q1": 1})


def test_it_scores_scoff_positive_at_two_yes() -> None:
    scoff = instruments.get("scoff")
    assert scoff.licence == Licence.LICENSED
    one = {"q1": 1, "q2": 0, "q3": 0, "q4": 0, "q5": 0}
    assert engine.score(scoff, one).band == "negative screen"
    assert engine.score(scoff, one | {"q4": 1}).band == "positive screen"


# -- EPDS-3A (§7.2) ---------------------------------------------------------------------------


def test_it_scores_the_epds_3a_anxiety_subscale_from_items_3_to_5() -> None:
    epds = instruments.get("epds")
    # Position 0 on every item: items 1, 2, 4 score 0; reverse-scored 3 and 5–10 score 3.
    result = engine.score(epds, {f"q{n}": 0 for n in range(1, 11)})
    assert result.subscales == {"anxiety_3a": 3 + 0 + 3}
    # Item 4 at its last answer (3), items 3 and 5 at theirs (scored 0): 3.
    answers = {f"q{n}": 0 for n in range(1, 11)} | {"q3": 3, "q4": 3, "q5": 3}
    assert engine.score(epds, answers).subscales == {"anxiety_3a": 3}
    assert "[VERIFY]" in str(epds.extra["subscale_notes"]["anxiety_3a"])
