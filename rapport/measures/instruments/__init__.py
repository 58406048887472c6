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
