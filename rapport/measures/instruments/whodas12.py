"""WHODAS 2.0, 12-item (measures.md §2.7): licensed content — topics only, values captured."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Instrument, Item, Licence, Option
from rapport.measures.instruments.common import LICENSED_NOTE

# §2.7: five difficulty levels, coded 0–4 (simple sum 0–48, as in the MII PRO IG).
DIFFICULTY_LEVELS = (
    Option(0, _("None")),
    Option(1, _("Mild")),
    Option(2, _("Moderate")),
    Option(3, _("Severe")),
    Option(4, _("Extreme or cannot do")),
)

# (key, topic, domain): two items for each of the six domains.
TOPICS = (
    ("s1", _("Standing for long periods"), "mobility"),
    ("s2", _("Household responsibilities"), "life_activities"),
    ("s3", _("Learning a new task"), "cognition"),
    ("s4", _("Joining in community activities"), "participation"),
    ("s5", _("Emotionally affected by health problems"), "participation"),
    ("s6", _("Concentrating for a short while"), "cognition"),
    ("s7", _("Walking a long distance"), "mobility"),
    ("s8", _("Washing one's whole body"), "self_care"),
    ("s9", _("Getting dressed"), "self_care"),
    ("s10", _("Dealing with people one does not know"), "getting_along"),
    ("s11", _("Maintaining a friendship"), "getting_along"),
    ("s12", _("Day-to-day work or school"), "life_activities"),
)

WHODAS12 = register(
    Instrument(
        code="whodas12",
        version="1",
        title=_("WHO Disability Assessment Schedule 2.0, 12-item (WHODAS 2.0)"),
        short_title=_("WHODAS-12"),
        recall=_("past 30 days"),
        items=tuple(
            Item(key, topic, DIFFICULTY_LEVELS, subscale=domain) for key, topic, domain in TOPICS
        ),
        licence=Licence.LICENSED,
        licence_note=LICENSED_NOTE,
        min_age=18,
        extra={
            # §2.7: store the scoring method used alongside the raw values.
            "scoring_method": "simple-sum-0-4",
            "scoring": _("Simple sum of the 12 items coded 0–4 (0–48); higher = more disability."),
        },
    )
)
