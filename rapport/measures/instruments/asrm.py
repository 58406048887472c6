"""ASRM, the Altman Self-Rating Mania Scale (variants.md §4.5): licensed content — topics only.

Five items rated 0–4 for the past week, total 0–20; 6 or more suggests probable
(hypo)mania (§4.5, ">5"). The licence is conflicting (an Elsevier fee, per CamCOPS, vs
the author's permission for clinicians, per mhscales.com), so it ships as a ``licensed``
stub until clarified [VERIFY]: item topics and values, no wording. No LOINC code was
found [VERIFY]. Forms scored 1–5 are entered as 0–4; one missing item would be prorated
in the spec's weak source, but here every item is required [VERIFY].
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence, Option
from rapport.measures.instruments.common import LICENSED_NOTE

# §4.5: each item 0–4. The anchors' wording is the licensed part: values only.
VALUES = tuple(Option(value, str(value)) for value in range(5))

TOPICS = (
    ("q1", _("Positive mood")),
    ("q2", _("Self-confidence")),
    ("q3", _("Need for sleep")),
    ("q4", _("Talking (speech)")),
    ("q5", _("Activity level")),
)

ASRM = register(
    Instrument(
        code="asrm",
        version="1",
        title=_("Altman Self-Rating Mania Scale (ASRM)"),
        short_title=_("ASRM"),
        recall=_("past week"),
        items=tuple(Item(key, topic, VALUES) for key, topic in TOPICS),
        # §4.5: ≥6 probable (hypo)mania.
        bands=(Band(0, 5, _("below the cut-off")), Band(6, 20, _("probable (hypo)mania"))),
        caseness=6,
        licence=Licence.LICENSED,
        licence_note=LICENSED_NOTE,
        extra={
            "scoring": _("Sum of the 5 items rated 0–4 (0–20); 6 or more: probable (hypo)mania."),
            "verify": _("Licence (Elsevier fee vs author's permission), LOINC, proration."),
        },
    )
)
