"""Date formats in the reader's language.

Templates write English patterns: "j F Y" reads "1 December 2026". Spanish joins day,
month and year with "de" and puts a comma after the weekday ("martes, 1 de diciembre
de 2026", as Django's own Spanish date format does); the English pattern alone gave
Spanish readers "martes 1 diciembre 2026".
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.formats import date_format
from django.utils.translation import get_language

_SPANISH = (
    (re.compile(r"\bj F\b"), r"j \\d\\e F"),  # 1 de diciembre
    (re.compile(r"\bF Y\b"), r"F \\d\\e Y"),  # diciembre de 2026
    (re.compile(r"\b([lD]) j\b"), r"\1, j"),  # martes, 1
    (re.compile(r"\bM\b"), "b"),  # dic, not Dic
)


def in_reader_language(fmt: str) -> str:
    """``fmt`` (a Django date format written for English) as the active language writes it."""
    if not (get_language() or "").startswith("es"):
        return fmt
    for pattern, replacement in _SPANISH:
        fmt = pattern.sub(replacement, fmt)
    return fmt


def written(value: dt.date | None, fmt: str) -> str:
    """``value`` formatted by ``fmt`` in the active language ("" for no date)."""
    if not isinstance(value, dt.date):
        return ""
    return date_format(value, in_reader_language(fmt))
