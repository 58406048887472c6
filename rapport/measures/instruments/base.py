"""How an instrument is described: once, as data (DESIGN.md "clinical content is data").

Every questionnaire in the catalogue is an ``Instrument``; one engine
(rapport.measures.engine) scores them all from these definitions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Licence(enum.StrEnum):
    """measures.md §7."""

    PUBLIC = "public"  # full wording shipped (PHQ-9, GAD-7, HRSD-17)
    LICENSED = "licensed"  # score and item values only; wording supplied by a licence holder
    VERIFY = "verify"  # shipped with its [VERIFY] note shown in the UI


class Severity(enum.StrEnum):
    """safety.md §5.1 step 2."""

    URGENT = "urgent"  # review today
    CRITICAL = "critical"  # immediate


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    loinc: str = ""


@dataclass(frozen=True)
class Item:
    key: str  # stable id, e.g. "q9"
    text: str  # full wording, or a short topic for licensed instruments
    options: tuple[Option, ...]
    loinc: str = ""
    scored: bool = True
    reverse: bool = False  # EPDS-style: stored as answered, scored reversed
    required: bool = True
    subscale: str = ""
    # Shown only when another item's answer meets a condition (C-SSRS items 3–5).
    shown_if: tuple[str, int] | None = None
    # Required only when the instrument's total exceeds this (PHQ-9 difficulty item,
    # measures.md §2.2 after CamCOPS ``is_complete``).
    required_if_total_above: int | None = None


@dataclass(frozen=True)
class Band:
    minimum: int
    maximum: int
    label: str


@dataclass(frozen=True)
class SafetyTrigger:
    """An answer that starts the safety workflow (safety.md §5.1)."""

    item: str
    minimum: int  # answer value at or above this triggers
    severity: Severity
    critical_from: int | None = None  # at or above this, severity is critical


@dataclass(frozen=True)
class Wording:
    """An instrument's published wording in another language (issue 11 item 10).

    Only an official translation goes here, with its ``source``: the items keep
    their keys, values, scoring and safety triggers, so scores are identical in every
    language. ``options`` maps an item key to its translated options, each with its
    LOINC answer code. ``licence``/``licence_note``: a [VERIFY] note shown to readers
    when part of the wording could not be confirmed against the published form.
    """

    language: str
    source: str
    title: str
    short_title: str
    instructions: str
    recall: str
    items: dict[str, str]
    options: dict[str, tuple[Option, ...]]
    licence_note: str = ""
    licence: Licence | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    title: str
    short_title: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    licence: Licence = Licence.PUBLIC
    licence_note: str = ""
    recall: str = ""
    instructions: str = ""
    clinician_rated: bool = False
    self_harm_items: bool = False  # never sent to a client without an active therapist
    min_age: int | None = None
    max_age: int | None = None
    loinc_panel: str = ""
    loinc_total: str = ""
    has_total: bool = True
    # Outcome rules (measures.md §3), defaults; clinics may override the thresholds.
    caseness: int | None = None  # at or above = case
    reliable_change: int | None = None
    remission_below: int | None = None  # total < this = remission (PHQ-9 < 5)
    remission_at_most: int | None = None  # total ≤ this = remission (HRSD ≤ 7)
    safety: tuple[SafetyTrigger, ...] = ()
    extra: dict = field(default_factory=dict)
    # The language of this wording, and the official wordings in other languages.
    language: str = "en"
    wordings: dict[str, Wording] = field(default_factory=dict)

    def in_language(self, language: str | None) -> Instrument:
        """This instrument worded in ``language`` if an official wording exists, else as is.

        Keys, values, scoring and safety triggers stay the same: only words change.
        """
        base = (language or "").split("-")[0].lower()
        wording = self.wordings.get(base)
        if wording is None or base == self.language:
            return self
        items = tuple(
            replace(
                item,
                text=wording.items.get(item.key, item.text),
                options=wording.options.get(item.key, item.options),
            )
            for item in self.items
        )
        return replace(
            self,
            language=base,
            title=wording.title,
            short_title=wording.short_title,
            instructions=wording.instructions,
            recall=wording.recall,
            items=items,
            licence=wording.licence or self.licence,
            licence_note=wording.licence_note or self.licence_note,
        )

    @property
    def form_version(self) -> str:
        """The version stored on a response: the English form's is the version itself,
        another language's adds its code ("1-es"), so a response records its wording."""
        return self.version if self.language == "en" else f"{self.version}-{self.language}"

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def max_total(self) -> int:
        return sum(max(o.value for o in item.options) for item in self.scored_items)


def version_language(form_version: str) -> str:
    """The language a stored response was answered in, from its ``instrument_version``."""
    _version, _dash, language = form_version.partition("-")
    return language or "en"
