"""PC-PTSD-5 (variants.md §6.3): a trauma-exposure gate and 5 yes/no questions, positive ≥3.

§6.3 gives its licence as VA-developed, public domain [GK/VERIFY] and does not give
the wording, so it ships as a licensed-content form: item values only, no wording.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence
from rapport.measures.instruments.common import YES_NO

GATE = ("exposure", 1)  # the five questions follow only a "yes" to the exposure gate

PCPTSD5 = register(
    Instrument(
        code="pcptsd5",
        version="1",
        title=_("Primary Care PTSD Screen for DSM-5 (PC-PTSD-5)"),
        short_title=_("PC-PTSD-5"),
        recall=_("past month"),
        items=(
            Item("exposure", _("Exposure to a traumatic event (gate)"), YES_NO, scored=False),
            *(
                Item(f"q{n}", _("Screen question %(n)d") % {"n": n}, YES_NO, shown_if=GATE)
                for n in range(1, 6)
            ),
        ),
        bands=(Band(0, 2, _("negative screen")), Band(3, 5, _("positive screen"))),
        licence=Licence.LICENSED,
        licence_note=_(
            "Its licence is to be confirmed: described as VA-developed and public domain "
            "[VERIFY]. Until then only question numbers are shown; enter the answers from the "
            "form the practice uses."
        ),
        min_age=18,
        caseness=3,
        extra={"scoring": _("Number of “yes” answers to questions 1–5 (0–5); positive at 3.")},
    )
)
