"""One engine scores every instrument from its definition (DESIGN.md).

``score(instrument, answers)`` validates the item values, applies reverse
scoring, sums, bands, and reports the answers that trigger the safety workflow.
Missing required items are never prorated (measures.md §2.2: item 9 mandatory).
An answer set whose only problem is unanswered questions may be scored as
*incomplete* when it carries a safety answer (``allow_incomplete``): its hits,
and no total, band or subscale (safety.md §5.1: the trigger fires on it too).

Instrument-specific rules stay data in the definitions; the engine reads them:

* ``Item.required_if_total_above`` — PHQ-9's difficulty item is required when the
  total is > 0 (measures.md §2.2, CamCOPS ``is_complete``);
* ``Instrument.extra["triage"]`` — ordered (level, items) rules for instruments
  without a total (C-SSRS screener, measures.md §2.8);
* ``Instrument.extra["band_sets"]`` — alternative band conventions (HRSD-17, §2.6);
* ``Instrument.extra["band_requires"]`` — a band that also needs other criteria met
  (PG-13-R: ≥30 plus ≥12 months and impairment, §2.9);
* ``Instrument.extra["cluster_rule"]`` — a diagnostic rule over subscales, reported
  apart from the total (PCL-5's DSM-5 rule, variants.md §6.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rapport.measures.instruments.base import Band, Instrument, Item, Severity


@dataclass(frozen=True)
class SafetyHit:
    item: str
    value: int  # the item's *score* (EPDS item 10 is reverse-scored: its score counts)
    severity: Severity


@dataclass(frozen=True)
class Result:
    total: int | None
    band: str
    hits: tuple[SafetyHit, ...] = ()
    subscales: dict[str, int] = field(default_factory=dict)
    complete: bool = True
    unanswered: tuple[str, ...] = ()  # an incomplete result's questions still to answer
    rule_met: bool | None = None  # the instrument's cluster rule, if it has one


ALL_ITEMS = "__all__"  # an error about the answers as a whole, not one item


class InvalidAnswers(ValueError):
    """Answers that cannot be scored; ``errors`` maps item keys to messages for the form.

    ``unanswered`` names the items whose only problem is that nobody answered them;
    every other error is a value that must never be stored (unknown item, off the scale).
    """

    def __init__(self, errors: dict[str, str], unanswered: Iterable[str] = ()) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors
        self.unanswered = frozenset(unanswered)

    @property
    def only_unanswered(self) -> bool:
        """Every problem is a question left unanswered: what was answered is valid."""
        return set(self.errors) <= self.unanswered

    @classmethod
    def still_unanswered(cls, keys: Iterable[str]) -> InvalidAnswers:
        keys = list(keys)
        return cls({key: _("Please answer this question.") for key in keys}, unanswered=keys)


def is_shown(item: Item, answers: dict[str, int]) -> bool:
    if item.shown_if is None:
        return True
    key, minimum = item.shown_if
    value = answers.get(key)
    return value is not None and value >= minimum


def item_score(item: Item, value: int) -> int:
    if not item.reverse:
        return value
    values = [option.value for option in item.options]
    return max(values) + min(values) - value


def raw_total(instrument: Instrument, answers: dict[str, int]) -> int:
    """Sum of the scored items' scores (reverse scoring applied); missing items add nothing."""
    return sum(
        item_score(item, answers[item.key])
        for item in instrument.scored_items
        if answers.get(item.key) is not None
    )


def validate(instrument: Instrument, answers: dict[str, int]) -> None:
    """Raise InvalidAnswers for unknown items, values off the scale, or missing required items.

    Never prorates: a missing required item is an error, whatever the other answers
    (measures.md §2.2; safety.md §5.1 "prorating a missing item 9" must never happen).
    """
    if not isinstance(answers, Mapping):
        # Anything but a mapping of item keys to values is refused, never half-read.
        raise InvalidAnswers({ALL_ITEMS: _("The answers could not be read.")})
    errors: dict[str, str] = {}
    unanswered: set[str] = set()
    known = {item.key for item in instrument.items}
    for key in answers:
        if key not in known:
            errors[key] = _("This question is not part of the questionnaire.")
    for item in instrument.items:
        message = _item_error(item, answers)
        if message:
            errors[item.key] = message
            if answers.get(item.key) is None:
                unanswered.add(item.key)
    if set(errors) <= unanswered:
        # Only valid values have a meaningful total for conditional items. Item scores
        # are never negative, so a total already above the threshold stays above it
        # however the unanswered questions are answered.
        total = raw_total(instrument, answers)
        for item in instrument.items:
            threshold = item.required_if_total_above
            if threshold is not None and total > threshold and answers.get(item.key) is None:
                errors[item.key] = _("Please answer this question.")
                unanswered.add(item.key)
    if errors:
        raise InvalidAnswers(errors, unanswered)


def _item_error(item: Item, answers: dict[str, int]) -> str:
    value = answers.get(item.key)
    shown = is_shown(item, answers)
    if value is None:
        return _("Please answer this question.") if item.required and shown else ""
    # Only a true int is an answer: not bool (an int subclass), float, Decimal or text,
    # which could compare equal to an option value (2.0 == 2) and be stored as given.
    if type(value) is not int or value not in {option.value for option in item.options}:
        return _("Choose one of the answers.")
    if not shown:
        # C-SSRS items 3–5 are asked only after a "yes" to item 2 (measures.md §2.8).
        return _("This question is only asked after an earlier answer; leave it blank.")
    return ""


def score(
    instrument: Instrument,
    answers: dict[str, int],
    band_set: str | None = None,
    *,
    allow_incomplete: bool = False,
) -> Result:
    """Validate and score; ``band_set`` picks an alternative convention from ``extra``.

    With ``allow_incomplete``, answers whose only problem is unanswered questions and
    that trigger the safety workflow give an incomplete result: the hits, no total, no
    band (never prorated). Any other invalid set raises InvalidAnswers, as always.
    """
    try:
        validate(instrument, answers)
    except InvalidAnswers as invalid:
        hits = safety_hits(instrument, answers) if invalid.only_unanswered else ()
        if not (allow_incomplete and hits):
            raise
        left = tuple(item.key for item in instrument.items if item.key in invalid.unanswered)
        return Result(total=None, band="", hits=hits, complete=False, unanswered=left)
    hits = safety_hits(instrument, answers)
    if "triage" in instrument.extra:
        return Result(total=None, band=triage(instrument, answers), hits=hits)
    total: int | None = None
    subscales: dict[str, int] = {}
    if instrument.has_total:
        total = raw_total(instrument, answers)
        for item in instrument.scored_items:
            if item.subscale and answers.get(item.key) is not None:
                points = item_score(item, answers[item.key])
                subscales[item.subscale] = subscales.get(item.subscale, 0) + points
    band = ""
    if total is not None:
        band = band_for(instrument, total, band_set)
        band = _apply_band_requires(instrument, answers, band)
    rule_met = cluster_rule_met(instrument, answers)
    return Result(total=total, band=band, hits=hits, subscales=subscales, rule_met=rule_met)


def cluster_rule_met(instrument: Instrument, answers: dict[str, int]) -> bool | None:
    """Each cluster has enough items rated at or above the rule's minimum (PCL-5 §6.3:
    items rated ≥2 count; ≥1 B, ≥1 C, ≥2 D, ≥2 E). None for an instrument without one."""
    rule = instrument.extra.get("cluster_rule")
    if not rule:
        return None
    counts: dict[str, int] = {}
    for item in instrument.scored_items:
        value = answers.get(item.key)
        if value is not None and item_score(item, value) >= rule["item_minimum"]:
            counts[item.subscale] = counts.get(item.subscale, 0) + 1
    return all(counts.get(cluster, 0) >= needed for cluster, needed in rule["clusters"].items())


def bands_for(instrument: Instrument, band_set: str | None = None) -> Sequence[Band]:
    """The instrument's default bands, or a named alternative set (HRSD-17 §2.6)."""
    if band_set:
        return instrument.extra.get("band_sets", {}).get(band_set, instrument.bands)
    return instrument.bands


def band_for(instrument: Instrument, total: int, band_set: str | None = None) -> str:
    bands = bands_for(instrument, band_set)
    return next((str(b.label) for b in bands if b.minimum <= total <= b.maximum), "")


def _apply_band_requires(instrument: Instrument, answers: dict[str, int], band: str) -> str:
    rule = instrument.extra.get("band_requires")
    if not rule or band != str(rule["band"]):
        return band
    met = all(answers.get(key, -1) >= minimum for key, minimum in rule["items"].items())
    return band if met else str(rule["otherwise"])


def triage(instrument: Instrument, answers: dict[str, int]) -> str:
    """First triage level whose items have any "yes" (C-SSRS screener, measures.md §2.8)."""
    for level, keys in instrument.extra["triage"]:
        if any((answers.get(key) or 0) >= 1 for key in keys):
            return str(level)
    return str(instrument.extra.get("triage_none", ""))


def safety_hits(instrument: Instrument, answers: dict[str, int]) -> tuple[SafetyHit, ...]:
    """safety.md §5.1: whatever the total, a triggering answer is a hit.

    Triggers compare the item's *score*, so a reverse-scored item (EPDS item 10,
    "score > 0", measures.md §2.5) triggers on what the manual means.
    """
    hits = []
    for trigger in instrument.safety:
        raw = answers.get(trigger.item)
        if raw is None:
            continue
        value = item_score(instrument.item(trigger.item), raw)
        if value < trigger.minimum:
            continue
        severity = trigger.severity
        if trigger.critical_from is not None and value >= trigger.critical_from:
            severity = Severity.CRITICAL
        hits.append(SafetyHit(item=trigger.item, value=value, severity=severity))
    return tuple(hits)
