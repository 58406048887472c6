"""The instrument catalogue: every questionnaire Rapport administers, defined once."""

from __future__ import annotations

from rapport.measures.instruments.base import Instrument, version_language

CATALOGUE: dict[str, Instrument] = {}


def register(instrument: Instrument) -> Instrument:
    CATALOGUE[instrument.code] = instrument
    return instrument


def get(code: str) -> Instrument:
    """The instrument for ``code``; KeyError for an unknown one."""
    return CATALOGUE[code]


def as_answered(code: str, form_version: str) -> Instrument:
    """The instrument worded as a stored response saw it (its ``instrument_version``,
    "1-es": the official Spanish wording), to show a response in its own language."""
    return CATALOGUE[code].in_language(version_language(form_version))


# Each module registers its instrument on import, so get("phq9") works once this
# package is imported. Imported last: the modules need register() above.
from rapport.measures.instruments import (  # noqa: E402, F401
    asrm,
    cssrs_screener,
    epds,
    gad7,
    hrsd17,
    pcl5,
    pcptsd5,
    pg13r,
    phq9,
    phqa,
    scoff,
    smfq,
    whodas12,
)
