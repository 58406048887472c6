"""PG-13-R (measures.md §2.9): licensed content — topics only; symptom score = items 3–12."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, Licence, Option
from rapport.measures.instruments.common import LICENSED_NOTE, YES_NO

SYMPTOM = (
    Option(1, _("Not at all")),
    Option(2, _("Slightly")),
    Option(3, _("Somewhat")),
    Option(4, _("Quite a bit")),
    Option(5, _("Overwhelmingly")),
)

# Item 2 asks how long ago the death was; DSM-5-TR needs ≥12 months for adults (§2.9).
MONTHS_SINCE = (
    Option(0, _("Less than 6 months")),
    Option(1, _("6 to 11 months")),
    Option(2, _("12 months or more")),
)

PROBABLE = _("probable prolonged grief disorder")

SYMPTOM_TOPICS = (
    _("Yearning or longing for the person who died"),
    _("Preoccupation with thoughts or memories of the person"),
    _("Feeling that part of oneself died (identity disruption)"),
    _("Disbelief that the person died"),
    _("Avoiding reminders that the person is dead"),
    _("Intense emotional pain related to the death"),
    _("Difficulty re-engaging with life"),
    _("Emotional numbness"),
    _("Feeling that life is meaningless"),
    _("Intense loneliness"),
)

PG13R = register(
    Instrument(
        code="pg13r",
        version="1",
        title=_("Prolonged Grief Scale, revised (PG-13-R)"),
        short_title=_("PG-13-R"),
        items=(
            Item("q1", _("Loss of a significant person"), YES_NO, scored=False),
            Item("q2", _("Time since the death"), MONTHS_SINCE, scored=False),
            *(
                Item(f"q{number}", topic, SYMPTOM)
                for number, topic in enumerate(SYMPTOM_TOPICS, start=3)
            ),
            Item("q13", _("Significant impairment in daily functioning"), YES_NO, scored=False),
        ),
        # §2.9: symptom score 10–50; ≥30 indicates probable PGD.
        bands=(Band(10, 29, _("below threshold")), Band(30, 50, PROBABLE)),
        licence=Licence.LICENSED,
        licence_note=LICENSED_NOTE,
        min_age=18,
        caseness=30,
        extra={
            "scoring": _("Symptom score: sum of items 3–12 (10–50)."),
            # DSM-5-TR also needs a loss, ≥12 months since it and impairment (§2.9).
            "band_requires": {
                "band": PROBABLE,
                "items": {"q1": 1, "q2": 2, "q13": 1},
                "otherwise": _("≥30; time or impairment not met"),
            },
        },
    )
)
