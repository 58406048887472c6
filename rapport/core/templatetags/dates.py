"""Dates as the reader's language writes them: ``{{ day|written:"j F Y" }}``.

Use it instead of ``date`` on pages and e-mails clients read in Spanish (rapport.core.dates).
Like ``date``, it shows an aware time on the active zone's clock (``{% timezone %}`` included).
"""

from __future__ import annotations

import datetime as dt

from django import template

from rapport.core import dates

register = template.Library()


@register.filter(name="written", expects_localtime=True)
def written(value: dt.date | None, fmt: str = "j F Y") -> str:
    return dates.written(value, fmt)
