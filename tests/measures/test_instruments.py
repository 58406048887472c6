"""The catalogue (measures.md §2): worked examples per instrument from the sources cited there."""

from __future__ import annotations

import itertools

import pytest

from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Licence, Severity
from rapport.measures.models import Response

CODES = ["phq9", "gad7", "hrsd17", "phqa", "epds", "whodas12", "cssrs_screener", "pg13r"]


def answers_for(code: str, value: int = 0, **overrides: int) -> dict[str, int]:
    """Every shown, required item at ``value`` (clamped to its scale), then ``overrides``."""
    instrument = instruments.get(code)
    answers: dict[str, int] = {}
    for item in instrument.items:
        if item.shown_if is None and (item.required or item.required_if_total_above is not None):
            values = [option.value for option in item.options]
            answers[item.key] = min(max(value, min(values)), max(values))
    return answers | overrides


def total_of(code: str, answers: dict[str, int]) -> int | None:
    return engine.score(instruments.get(code), answers).total


def band_of(code: str, answers: dict[str, int], band_set: str | None = None) -> str:
    return engine.score(instruments.get(code), answers, band_set=band_set).band


def with_total(code: str, total: int) -> dict[str, int]:
    """Scored items filled greedily (no reverse-scored items) to reach ``total``."""
    instrument = instruments.get(code)
    answers = answers_for(code, 0)
    remaining = total - sum(min(o.value for o in item.options) for item in instrument.scored_items)
    for item in instrument.scored_items:
        low, high = min(o.value for o in item.options), max(o.value for o in item.options)
        step = min(high - low, remaining)
        answers[item.key] = low + step
        remaining -= step
    assert remaining == 0
    return answers


# -- the catalogue as a whole ---------------------------------------------------------------


def test_it_registers_every_catalogue_instrument_at_import() -> None:
    assert set(CODES) <= set(instruments.CATALOGUE)
    for code in CODES:
        instrument = instruments.get(code)
        assert instrument.code == code
        assert instrument.version
        assert instrument.items
    with pytest.raises(KeyError):
        instruments.get("oq45")


@pytest.mark.parametrize("code", CODES)
def test_it_gives_every_instrument_contiguous_bands_that_fit_the_response_row(code: str) -> None:
    instrument = instruments.get(code)
    labels = [str(b.label) for b in instrument.bands]
    labels += [str(label) for label, _items in instrument.extra.get("triage", ())]
    for bands in [instrument.bands, *instrument.extra.get("band_sets", {}).values()]:
        labels += [str(b.label) for b in bands]
        if not bands:
            continue
        minimum = sum(min(o.value for o in item.options) for item in instrument.scored_items)
        assert bands[0].minimum == minimum
        assert bands[-1].maximum == instrument.max_total
        for lower, upper in itertools.pairwise(bands):
            assert upper.minimum == lower.maximum + 1
    max_length = Response._meta.get_field("band").max_length
    assert all(len(label) <= max_length for label in labels)


@pytest.mark.parametrize("code", CODES)
def test_it_gives_every_item_distinct_keys_and_option_values(code: str) -> None:
    instrument = instruments.get(code)
    keys = [item.key for item in instrument.items]
    assert len(keys) == len(set(keys))
    for item in instrument.items:
        values = [option.value for option in item.options]
        assert values
        assert len(values) == len(set(values))
        if item.shown_if:
            assert item.shown_if[0] in keys
    for trigger in instrument.safety:
        assert trigger.item in keys


def test_it_ships_full_wording_only_where_the_licence_allows() -> None:
    public = {c for c in CODES if instruments.get(c).licence == Licence.PUBLIC}
    licensed = {c for c in CODES if instruments.get(c).licence == Licence.LICENSED}
    assert public == {"phq9", "gad7", "hrsd17"}
    assert licensed == {"epds", "whodas12", "cssrs_screener", "pg13r"}
    assert instruments.get("phqa").licence == Licence.VERIFY
    for code in licensed | {"phqa"}:
        assert instruments.get(code).licence_note
    for code in licensed:
        assert "licence" in str(instruments.get(code).licence_note)
    # The PHQ-9's official item 9 wording, not a topic.
    assert str(instruments.get("phq9").item("q9").text) == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )


def test_it_marks_the_instruments_with_self_harm_items() -> None:
    flagged = {c for c in CODES if instruments.get(c).self_harm_items}
    assert flagged == {"phq9", "phqa", "epds", "cssrs_screener"}
    assert all(instruments.get(c).safety for c in flagged)


def test_it_records_age_ranges_and_the_perinatal_population() -> None:
    assert (instruments.get("phqa").min_age, instruments.get("phqa").max_age) == (11, 17)
    assert instruments.get("phq9").min_age == 18
    assert instruments.get("epds").extra["population"] == "perinatal"


def test_it_carries_the_documented_outcome_defaults() -> None:
    phq9, gad7, hrsd = (instruments.get(c) for c in ("phq9", "gad7", "hrsd17"))
    assert (phq9.caseness, phq9.reliable_change, phq9.remission_below) == (10, 6, 5)
    assert (gad7.caseness, gad7.reliable_change) == (8, 4)
    assert hrsd.remission_at_most == 7


# -- PHQ-9 (§2.2) ---------------------------------------------------------------------------


def test_it_scores_phq9_all_twos_as_18_moderately_severe() -> None:
    result = engine.score(instruments.get("phq9"), answers_for("phq9", 2))
    assert (result.total, result.band) == (18, "moderately severe")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none–minimal"),
        (4, "none–minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_it_bands_phq9_at_the_kroenke_edges(total: int, band: str) -> None:
    answers = with_total("phq9", total)
    assert (total_of("phq9", answers), band_of("phq9", answers)) == (total, band)


def test_it_carries_the_phq9_loinc_codes() -> None:
    phq9 = instruments.get("phq9")
    assert (phq9.loinc_panel, phq9.loinc_total) == ("44249-1", "44261-6")
    assert [item.loinc for item in phq9.items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
        "69722-7",
    ]
    assert [o.loinc for o in phq9.item("q1").options] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert not phq9.item("difficulty").scored


# -- GAD-7 (§2.3) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe")],
)
def test_it_bands_gad7_at_5_10_15(total: int, band: str) -> None:
    assert band_of("gad7", with_total("gad7", total)) == band


def test_it_scores_gad7_from_0_to_21_with_its_loinc_codes() -> None:
    gad7 = instruments.get("gad7")
    assert total_of("gad7", answers_for("gad7", 3)) == 21
    assert (gad7.loinc_panel, gad7.loinc_total) == ("69737-5", "70274-6")
    assert gad7.item("q1").loinc == "69725-0"
    assert engine.score(gad7, answers_for("gad7", 3)).hits == ()


# -- PHQ-A (§2.4) ---------------------------------------------------------------------------


def test_it_scores_phqa_items_1_to_9_only() -> None:
    answers = answers_for("phqa", 1) | {"past_year": 1, "difficulty": 3, "attempt": 0}
    answers["serious_thoughts"] = 0
    answers["q9"] = 0
    result = engine.score(instruments.get("phqa"), answers)
    assert (result.total, result.band) == (8, "mild")
    assert result.hits == ()


def test_it_raises_phqa_hits_on_item9_and_both_extra_suicide_items() -> None:
    answers = answers_for("phqa", 0) | {"q9": 1, "serious_thoughts": 1, "attempt": 1}
    hits = {h.item: h.severity for h in engine.score(instruments.get("phqa"), answers).hits}
    assert hits == {
        "q9": Severity.URGENT,
        "serious_thoughts": Severity.CRITICAL,
        "attempt": Severity.URGENT,
    }


def test_it_requires_the_phqa_suicide_items() -> None:
    answers = answers_for("phqa", 0)
    del answers["serious_thoughts"]
    with pytest.raises(engine.InvalidAnswers) as caught:
        engine.score(instruments.get("phqa"), answers)
    assert set(caught.value.errors) == {"serious_thoughts"}


def test_it_maps_phqa_items_to_phq9_by_content() -> None:
    mapping = instruments.get("phqa").extra["phq9_item"]
    assert mapping["q1"] == "q2"
    assert mapping["q2"] == "q1"
    assert mapping["q9"] == "q9"
    assert sorted(mapping.values()) == sorted(mapping)


# -- EPDS (§2.5) ----------------------------------------------------------------------------


def test_it_reverse_scores_epds_items_3_and_5_to_10() -> None:
    epds = instruments.get("epds")
    assert [item.key for item in epds.items if item.reverse] == [
        "q3",
        "q5",
        "q6",
        "q7",
        "q8",
        "q9",
        "q10",
    ]
    # Every first answer: items 1, 2, 4 score 0; the seven reversed items score 3 each.
    first = engine.score(epds, answers_for("epds", 0))
    assert (first.total, first.band) == (21, "probable depression")
    # Every last answer: 3 + 3 + 3 for items 1, 2, 4; the reversed items score 0.
    last = engine.score(epds, answers_for("epds", 3))
    assert (last.total, last.band) == (9, "below threshold")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (9, "below threshold"),
        (10, "possible depression"),
        (12, "possible depression"),
        (13, "probable depression"),
        (30, "probable depression"),
    ],
)
def test_it_bands_epds_at_10_and_13(total: int, band: str) -> None:
    epds = instruments.get("epds")
    # Start from a zero score (reversed items at their last answer) and add points.
    answers = {item.key: 3 if item.reverse else 0 for item in epds.items}
    remaining = total
    for item in epds.items:
        step = min(3, remaining)
        answers[item.key] = 3 - step if item.reverse else step
        remaining -= step
    result = engine.score(epds, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("position", "hit"),
    [(3, None), (2, Severity.URGENT), (1, Severity.CRITICAL), (0, Severity.CRITICAL)],
)
def test_it_triggers_on_the_epds_item10_score_not_its_position(
    position: int, hit: Severity | None
) -> None:
    answers = {item.key: 3 if item.reverse else 0 for item in instruments.get("epds").items}
    answers["q10"] = position  # the fourth answer ("never") scores 0
    hits = engine.score(instruments.get("epds"), answers).hits
    assert [h.severity for h in hits] == ([hit] if hit else [])
    if hit:
        assert hits[0].value == 3 - position


# -- HRSD-17 (§2.6) -------------------------------------------------------------------------


def test_it_scores_hrsd17_out_of_52_clinician_rated() -> None:
    hrsd = instruments.get("hrsd17")
    assert len(hrsd.scored_items) == 17
    assert hrsd.max_total == 52
    assert hrsd.clinician_rated
    assert [len(item.options) - 1 for item in hrsd.items].count(4) == 9
    assert total_of("hrsd17", answers_for("hrsd17", 4)) == 52


@pytest.mark.parametrize(
    ("total", "zimmerman", "camcops"),
    [
        (7, "no depression", "none"),
        (8, "mild", "mild"),
        (13, "mild", "mild"),
        (14, "mild", "moderate"),
        (16, "mild", "moderate"),
        (17, "moderate", "moderate"),
        (18, "moderate", "moderate"),
        (19, "moderate", "severe"),
        (22, "moderate", "severe"),
        (23, "moderate", "very severe"),
        (24, "severe", "very severe"),
    ],
)
def test_it_bands_hrsd17_by_zimmerman_with_camcops_as_an_alternative(
    total: int, zimmerman: str, camcops: str
) -> None:
    answers = with_total("hrsd17", total)
    assert band_of("hrsd17", answers) == zimmerman
    assert band_of("hrsd17", answers, band_set="camcops") == camcops


# -- WHODAS 2.0 12-item (§2.7) --------------------------------------------------------------


def test_it_sums_whodas12_simply_with_domain_subscales() -> None:
    whodas = instruments.get("whodas12")
    full = engine.score(whodas, answers_for("whodas12", 4))
    assert full.total == 48
    assert full.band == ""
    assert full.subscales == dict.fromkeys(
        ("mobility", "life_activities", "cognition", "participation", "self_care", "getting_along"),
        8,
    )
    one = engine.score(whodas, answers_for("whodas12", 0, s3=2, s6=1))
    assert one.total == 3
    assert one.subscales["cognition"] == 3
    assert whodas.extra["scoring_method"] == "simple-sum-0-4"


# -- C-SSRS screener (§2.8) -----------------------------------------------------------------


def cssrs(**yes: int) -> engine.Result:
    answers = {"q1": 0, "q2": 0, "q6": 0} | yes
    return engine.score(instruments.get("cssrs_screener"), answers)


@pytest.mark.parametrize(
    ("answers", "triage"),
    [
        ({}, "no risk identified"),
        ({"q1": 1}, "low risk"),
        ({"q2": 1, "q3": 0, "q4": 0, "q5": 0}, "low risk"),
        ({"q2": 1, "q3": 1, "q4": 0, "q5": 0}, "moderate risk"),
        ({"q6": 1, "q6b": 0}, "moderate risk"),
        ({"q2": 1, "q3": 0, "q4": 1, "q5": 0}, "high risk"),
        ({"q2": 1, "q3": 1, "q4": 1, "q5": 1}, "high risk"),
        ({"q1": 1, "q6": 1, "q6b": 1}, "high risk"),
    ],
)
def test_it_triages_the_cssrs_screener(answers: dict[str, int], triage: str) -> None:
    result = cssrs(**answers)
    assert result.total is None
    assert result.band == triage


def test_it_raises_a_cssrs_hit_for_every_yes_with_severity_by_item() -> None:
    assert cssrs().hits == ()
    hits = cssrs(q1=1, q2=1, q3=1, q4=0, q5=0, q6=1, q6b=0).hits
    assert {h.item: h.severity for h in hits} == {
        "q1": Severity.URGENT,
        "q2": Severity.URGENT,
        "q3": Severity.CRITICAL,
        "q6": Severity.CRITICAL,
    }


def test_it_asks_cssrs_items_3_to_5_after_a_yes_to_item_2() -> None:
    with pytest.raises(engine.InvalidAnswers) as caught:
        cssrs(q2=1)
    assert set(caught.value.errors) == {"q3", "q4", "q5"}
    with pytest.raises(engine.InvalidAnswers) as caught:
        cssrs(q6=1)
    assert set(caught.value.errors) == {"q6b"}


def test_it_carries_the_cssrs_loinc_codes() -> None:
    screener = instruments.get("cssrs_screener")
    assert screener.loinc_panel == "93373-9"
    assert screener.extra["loinc_risk_level"] == "93374-7"
    assert screener.item("q6").loinc == "93267-3"
    assert [o.loinc for o in screener.item("q1").options] == ["LA32-8", "LA33-6"]


# -- PG-13-R (§2.9) -------------------------------------------------------------------------


def pg13r(symptom: int | list[int], **criteria: int) -> engine.Result:
    values = symptom if isinstance(symptom, list) else [symptom] * 10
    answers = {f"q{n}": v for n, v in zip(range(3, 13), values, strict=True)}
    answers |= {"q1": 1, "q2": 2, "q13": 1} | criteria
    return engine.score(instruments.get("pg13r"), answers)


def test_it_scores_the_pg13r_symptom_items_3_to_12_from_10_to_50() -> None:
    assert pg13r(1).total == 10
    assert pg13r(5).total == 50
    assert pg13r(1, q1=0, q2=0, q13=0).total == 10  # gating items are not scored


@pytest.mark.parametrize(
    ("values", "band"),
    [
        ([3] * 9 + [2], "below threshold"),  # 29
        ([3] * 10, "probable prolonged grief disorder"),  # 30
    ],
)
def test_it_bands_pg13r_at_30(values: list[int], band: str) -> None:
    assert pg13r(values).band == band


def test_it_needs_twelve_months_and_impairment_for_probable_pgd() -> None:
    assert pg13r(4, q2=1).band == "≥30; time or impairment not met"
    assert pg13r(4, q13=0).band == "≥30; time or impairment not met"
    assert pg13r(4).band == "probable prolonged grief disorder"
    assert pg13r(2, q13=0).band == "below threshold"
