"""GAD-7 (measures.md §2.3): public domain, full official wording."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item
from rapport.measures.instruments.common import DIFFICULTY, FREQUENCY
from rapport.measures.instruments.spanish import GAD7_ES

GAD7 = register(
    Instrument(
        code="gad7",
        version="1",
        title=_("Generalized Anxiety Disorder scale (GAD-7)"),
        short_title=_("GAD-7"),
        instructions=_(
            "Over the last 2 weeks, how often have you been bothered by the following problems?"
        ),
        recall=_("last 2 weeks"),
        items=(
            Item("q1", _("Feeling nervous, anxious, or on edge"), FREQUENCY, "69725-0"),
            Item("q2", _("Not being able to stop or control worrying"), FREQUENCY, "68509-9"),
            Item("q3", _("Worrying too much about different things"), FREQUENCY, "69733-4"),
            Item("q4", _("Trouble relaxing"), FREQUENCY, "69734-2"),
            Item("q5", _("Being so restless that it is hard to sit still"), FREQUENCY, "69735-9"),
            # [VERIFY] §2.3: 69689-8's label says "last 4 weeks" in the HL7 PHR IG.
            Item("q6", _("Becoming easily annoyed or irritable"), FREQUENCY, "69689-8"),
            Item(
                "q7", _("Feeling afraid, as if something awful might happen"), FREQUENCY, "69736-7"
            ),
            # Optional and unscored; its LOINC code was not confirmed (§2.3 [VERIFY]).
            Item(
                "difficulty",
                _(
                    "If you checked any problems, how difficult have they made it for you to "
                    "do your work, take care of things at home, or get along with other people?"
                ),
                DIFFICULTY,
                scored=False,
                required=False,
            ),
        ),
        # §2.3: 5/10/15 = mild/moderate/severe.
        bands=(
            Band(0, 4, _("minimal")),
            Band(5, 9, _("mild")),
            Band(10, 14, _("moderate")),
            Band(15, 21, _("severe")),
        ),
        licence_note=_(
            "Public domain: no permission is required to reproduce, translate, display or "
            "distribute (Pfizer / phqscreeners.com)."
        ),
        min_age=18,
        loinc_panel="69737-5",
        loinc_total="70274-6",  # §2.3: the score Observation uses 70274-6, not the panel
        # §3: caseness ≥8 (NHS Talking Therapies), reliable change 4.
        caseness=8,
        reliable_change=4,
        # The official Spanish wording, its source and LOINC answer mapping (spanish.py).
        wordings={"es": GAD7_ES},
        extra={"scoring": _("Sum of items 1–7 (0–21); the difficulty item is not scored.")},
    )
)
