"""One engine scores every instrument from its definition (DESIGN.md).

``score(instrument, answers)`` validates the item values, applies reverse
scoring, sums, bands, and reports the answers that trigger the safety workflow.
Missing required items are never prorated (measures.md §2.2: item 9 mandatory).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rapport.measures.instruments.base import Instrument, Item, Severity


@dataclass(frozen=True)
class SafetyHit:
    item: str
    value: int
    severity: Severity


@dataclass(frozen=True)
class Result:
    total: int | None
    band: str
    hits: tuple[SafetyHit, ...] = ()
    subscales: dict[str, int] = field(default_factory=dict)


class InvalidAnswers(ValueError):
    """Answers that cannot be scored; ``errors`` maps item keys to messages for the form."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


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


def validate(instrument: Instrument, answers: dict[str, int]) -> None:
    errors: dict[str, str] = {}
    known = {item.key for item in instrument.items}
    for key in answers:
        if key not in known:
            errors[key] = _("This question is not part of the questionnaire.")
    for item in instrument.items:
        value = answers.get(item.key)
        if value is None:
            if item.required and is_shown(item, answers):
                errors[item.key] = _("Please answer this question.")
            continue
        if value not in {option.value for option in item.options}:
            errors[item.key] = _("Choose one of the answers.")
    if errors:
        raise InvalidAnswers(errors)


def score(instrument: Instrument, answers: dict[str, int]) -> Result:
    validate(instrument, answers)
    total = None
    subscales: dict[str, int] = {}
    if instrument.has_total:
        total = 0
        for item in instrument.scored_items:
            if item.key in answers:
                points = item_score(item, answers[item.key])
                total += points
                if item.subscale:
                    subscales[item.subscale] = subscales.get(item.subscale, 0) + points
    band = ""
    if total is not None:
        band = next((b.label for b in instrument.bands if b.minimum <= total <= b.maximum), "")
    return Result(
        total=total, band=band, hits=safety_hits(instrument, answers), subscales=subscales
    )


def safety_hits(instrument: Instrument, answers: dict[str, int]) -> tuple[SafetyHit, ...]:
    """safety.md §5.1: whatever the total, a triggering answer is a hit."""
    hits = []
    for trigger in instrument.safety:
        value = answers.get(trigger.item)
        if value is None or value < trigger.minimum:
            continue
        severity = trigger.severity
        if trigger.critical_from is not None and value >= trigger.critical_from:
            severity = Severity.CRITICAL
        hits.append(SafetyHit(item=trigger.item, value=value, severity=severity))
    return tuple(hits)
