"""Response options shared by several instruments (LOINC answer lists per measures.md §2.2)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments.base import Option

# LL358-3: the PHQ/GAD frequency scale, 2-week recall (measures.md §2.2, §2.3).
FREQUENCY = (
    Option(0, _("Not at all"), "LA6568-5"),
    Option(1, _("Several days"), "LA6569-3"),
    Option(2, _("More than half the days"), "LA6570-1"),
    Option(3, _("Nearly every day"), "LA6571-9"),
)

# LL359-1: the unscored "how difficult" item (measures.md §2.2).
DIFFICULTY = (
    Option(0, _("Not difficult at all"), "LA6572-7"),
    Option(1, _("Somewhat difficult"), "LA6573-5"),
    Option(2, _("Very difficult"), "LA6575-0"),
    Option(3, _("Extremely difficult"), "LA6574-3"),
)

# LOINC LA32-8 No / LA33-6 Yes (measures.md §2.8).
YES_NO = (
    Option(0, _("No"), "LA32-8"),
    Option(1, _("Yes"), "LA33-6"),
)

LICENSED_NOTE = _(
    "Licensed instrument: only item topics are shown here. The wording is supplied by a "
    "practice that holds a licence; Rapport stores the answer values and the score."
)
