"""The instrument catalogue: every questionnaire Rapport administers, defined once."""

from __future__ import annotations

from rapport.measures.instruments.base import Instrument

CATALOGUE: dict[str, Instrument] = {}


def register(instrument: Instrument) -> Instrument:
    CATALOGUE[instrument.code] = instrument
    return instrument


def get(code: str) -> Instrument:
    """The instrument for ``code``; KeyError for an unknown one."""
    return CATALOGUE[code]


# Each module registers its instrument on import, so get("phq9") works once this
# package is imported. Imported last: the modules need register() above.
from rapport.measures.instruments import (  # noqa: E402, F401
    cssrs_screener,
    epds,
    gad7,
    hrsd17,
    pg13r,
    phq9,
    phqa,
    whodas12,
)
