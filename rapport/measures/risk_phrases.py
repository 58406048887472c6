"""The clinic's risk-phrase list: words in a client's free text that raise a safety alert.

safety.md §5.1 lists "free-text crisis keywords in patient messages" among the
triggers [GK] but gives no list. ``DEFAULT`` is a short, conservative starting
list ([GK], for the clinic to review on the clinic settings page): phrases that
plainly speak of suicide or self-harm, in English and Spanish. Matching is
case-insensitive and on word boundaries ("overdose" matches "Overdose." but not
"overdosed" unless listed), and any run of spaces in a phrase matches any run
of white space in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT: tuple[str, ...] = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "take my life",
    "want to die",
    "better off dead",
    "no reason to live",
    "hurt myself",
    "harm myself",
    "self-harm",
    "overdose",
    "suicidio",
    "matarme",
    "quitarme la vida",
    "no quiero vivir",
    "hacerme daño",
)
LONGEST = 100  # characters a phrase may have
MOST = 200  # phrases a clinic may list


def default_phrases() -> list[str]:
    """The model field's default (a callable, so every row gets its own list)."""
    return list(DEFAULT)


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def matches(text: str, phrases: Iterable[str]) -> list[str]:
    """The listed phrases found in ``text``, in list order (empty phrases ignored)."""
    if not text:
        return []
    return [phrase for phrase in phrases if phrase.split() and _pattern(phrase).search(text)]


def clean_list(lines: str) -> list[str]:
    """One phrase a line, trimmed, blank lines and repeats (any case) dropped."""
    seen: set[str] = set()
    phrases = []
    for line in lines.splitlines():
        phrase = " ".join(line.split())
        if phrase and phrase.casefold() not in seen:
            seen.add(phrase.casefold())
            phrases.append(phrase)
    return phrases
