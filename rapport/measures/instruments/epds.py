"""EPDS (measures.md §2.5): licensed content — item topics only, values and score captured."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import (
    Band,
    Instrument,
    Item,
    Licence,
    Option,
    SafetyTrigger,
    Severity,
)
from rapport.measures.instruments.common import LICENSED_NOTE

# Stored values are the answer's position on the form (0 = first/top answer). Items
# 1, 2 and 4 score 0→3 top to bottom; items 3 and 5–10 are reverse-scored (§2.5).
POSITIONS = (
    Option(0, _("First answer")),
    Option(1, _("Second answer")),
    Option(2, _("Third answer")),
    Option(3, _("Fourth answer")),
)


# variants.md §7.2: the EPDS-3A anxiety subscale, items 3–5 [GK/VERIFY].
ANXIETY_3A = "anxiety_3a"


def _item(number: int, topic: str, reverse: bool) -> Item:
    subscale = ANXIETY_3A if number in (3, 4, 5) else ""
    return Item(f"q{number}", topic, POSITIONS, reverse=reverse, subscale=subscale)


EPDS = register(
    Instrument(
        code="epds",
        version="1",
        title=_("Edinburgh Postnatal Depression Scale (EPDS)"),
        short_title=_("EPDS"),
        recall=_("past 7 days"),
        items=(
            _item(1, _("Able to laugh and see the funny side of things"), False),
            _item(2, _("Looking forward with enjoyment"), False),
            _item(3, _("Blaming oneself unnecessarily"), True),
            _item(4, _("Anxious or worried for no good reason"), False),
            _item(5, _("Scared or panicky for no good reason"), True),
            _item(6, _("Things getting on top of one"), True),
            _item(7, _("So unhappy that sleeping is difficult"), True),
            _item(8, _("Sad or miserable"), True),
            _item(9, _("So unhappy that one has been crying"), True),
            _item(10, _("Thoughts of harming oneself"), True),
        ),
        # §2.5: ≥10 possible depression (greater sensitivity), ≥13 probable depression.
        bands=(
            Band(0, 9, _("below threshold")),
            Band(10, 12, _("possible depression")),
            Band(13, 30, _("probable depression")),
        ),
        licence=Licence.LICENSED,
        licence_note=LICENSED_NOTE,
        self_harm_items=True,
        loinc_panel="71354-5",  # [VERIFY] §2.5
        loinc_total="99046-5",  # [VERIFY] §2.5
        caseness=13,
        # §2.5: any item-10 score > 0 must prompt assessment; ≥2 treated as PHQ-9 item 9 ≥2.
        safety=(SafetyTrigger("q10", 1, Severity.URGENT, critical_from=2),),
        extra={
            "population": "perinatal",
            "scoring": _(
                "Sum of items 1–10 (0–30); items 3 and 5–10 are reverse-scored. "
                "Values record the position of the answer on the licensed form."
            ),
            "sensitive_caseness": 10,
            # variants.md §7.2: items 3–5 as an anxiety subscale (0–9); no cut-off given.
            "subscale_notes": {
                ANXIETY_3A: _(
                    "EPDS-3A anxiety subscale: items 3–5 (0–9). No cut-off is given by the "
                    "specification [VERIFY]."
                ),
            },
        },
    )
)
