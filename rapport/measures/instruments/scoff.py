"""SCOFF (variants.md §5.3): 5 yes/no questions, ≥2 "yes" is a positive screen.

Licence [VERIFY] (§5.3, §8): shipped as a licensed-content form, item values only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence
from rapport.measures.instruments.common import LICENSED_NOTE, YES_NO

SCOFF = register(
    Instrument(
        code="scoff",
        version="1",
        title=_("SCOFF eating-disorder screen"),
        short_title=_("SCOFF"),
        items=tuple(
            Item(f"q{n}", _("Screen question %(n)d") % {"n": n}, YES_NO) for n in range(1, 6)
        ),
        bands=(Band(0, 1, _("negative screen")), Band(2, 5, _("positive screen"))),
        licence=Licence.LICENSED,
        licence_note=LICENSED_NOTE,
        min_age=18,
        caseness=2,
        extra={
            "scoring": _("Number of “yes” answers (0–5); positive at 2 or more."),
            "verify": _("Licence not established [VERIFY]."),
        },
    )
)
