"""PHQ-A, the PHQ-9 modified for adolescents (measures.md §2.4). Licence [VERIFY]."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Instrument, Item, Licence, SafetyTrigger, Severity
from rapport.measures.instruments.common import DIFFICULTY, FREQUENCY, YES_NO
from rapport.measures.instruments.phq9 import PHQ_BANDS

PHQA = register(
    Instrument(
        code="phqa",
        version="1",
        title=_("PHQ-9 modified for adolescents (PHQ-A)"),
        short_title=_("PHQ-A"),
        instructions=_(
            "How often have you been bothered by each of the following symptoms during the "
            "past two weeks?"
        ),
        recall=_("past 2 weeks"),
        items=(
            # §2.4: mood comes first (and adds "irritable"); map by content, not position —
            # see extra["phq9_item"].
            Item("q1", _("Feeling down, depressed, irritable, or hopeless?"), FREQUENCY),
            Item("q2", _("Little interest or pleasure in doing things?"), FREQUENCY),
            Item(
                "q3", _("Trouble falling asleep, staying asleep, or sleeping too much?"), FREQUENCY
            ),
            Item("q4", _("Poor appetite, weight loss, or overeating?"), FREQUENCY),
            Item("q5", _("Feeling tired, or having little energy?"), FREQUENCY),
            Item(
                "q6",
                _(
                    "Feeling bad about yourself – or feeling that you are a failure, or that "
                    "you have let yourself or your family down?"
                ),
                FREQUENCY,
            ),
            Item(
                "q7",
                _("Trouble concentrating on things like school work, reading, or watching TV?"),
                FREQUENCY,
            ),
            Item(
                "q8",
                _(
                    "Moving or speaking so slowly that other people could have noticed? Or the "
                    "opposite – being so fidgety or restless that you were moving around a lot "
                    "more than usual?"
                ),
                FREQUENCY,
            ),
            Item(
                "q9",
                _(
                    "Thoughts that you would be better off dead, or of hurting yourself in "
                    "some way?"
                ),
                FREQUENCY,
            ),
            Item(
                "past_year",
                _(
                    "In the past year have you felt depressed or sad most days, even if you felt "
                    "okay sometimes?"
                ),
                YES_NO,
                scored=False,
            ),
            Item(
                "difficulty",
                _(
                    "If you are experiencing any of the problems on this form, how difficult have "
                    "these problems made it for you to do your work, take care of things at "
                    "home or get along with other people?"
                ),
                DIFFICULTY,
                scored=False,
                required=False,
            ),
            # §2.4 / safety.md §5.1: both extra suicide items trigger; always required.
            Item(
                "serious_thoughts",
                _(
                    "Has there been a time in the past month when you have had serious thoughts "
                    "about ending your life?"
                ),
                YES_NO,
                scored=False,
            ),
            Item(
                "attempt",
                _(
                    "Have you EVER, in your WHOLE LIFE, tried to kill yourself or made a "
                    "suicide attempt?"
                ),
                YES_NO,
                scored=False,
            ),
        ),
        bands=PHQ_BANDS,  # §2.4: same 5/10/15/20 bands
        licence=Licence.VERIFY,
        licence_note=_(
            'Licence to be verified: copies distributed by GLAD-PC carry "Use with '
            'Permission"; NIMH republishes the form. Confirm before relying on the wording.'
        ),
        self_harm_items=True,
        min_age=11,
        max_age=17,
        loinc_panel="89206-7",
        loinc_total="89204-2",
        # Same thresholds as the PHQ-9 (same scale and bands, §2.4); clinics may override.
        caseness=10,
        reliable_change=6,
        remission_below=5,
        safety=(
            SafetyTrigger("q9", 1, Severity.URGENT, critical_from=2),
            # Serious thoughts of ending life in the past month: as PHQ-9 item 9 ≥2, critical.
            SafetyTrigger("serious_thoughts", 1, Severity.CRITICAL),
            # A lifetime attempt is history, not current ideation: review today.
            SafetyTrigger("attempt", 1, Severity.URGENT),
        ),
        extra={
            "scoring": _("Sum of items 1–9 (0–27); the extra items are not scored."),
            # PHQ-A item → PHQ-9 item with the same content (§2.4). [VERIFY] the order of
            # appetite and energy against the form a practice uses.
            "phq9_item": {
                "q1": "q2",
                "q2": "q1",
                "q3": "q3",
                "q4": "q5",
                "q5": "q4",
                "q6": "q6",
                "q7": "q7",
                "q8": "q8",
                "q9": "q9",
            },
        },
    )
)
