"""PHQ-9 (measures.md §2.2): public domain, full official wording."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Band, Instrument, Item, SafetyTrigger, Severity
from rapport.measures.instruments.common import DIFFICULTY, FREQUENCY
from rapport.measures.instruments.spanish import PHQ9_ES

# §2.2 bands: ≥20 severe, ≥15 moderately severe, ≥10 moderate, ≥5 mild, <5 none–minimal.
PHQ_BANDS = (
    Band(0, 4, _("none–minimal")),
    Band(5, 9, _("mild")),
    Band(10, 14, _("moderate")),
    Band(15, 19, _("moderately severe")),
    Band(20, 27, _("severe")),
)

PHQ9 = register(
    Instrument(
        code="phq9",
        version="1",
        title=_("Patient Health Questionnaire (PHQ-9)"),
        short_title=_("PHQ-9"),
        instructions=_(
            "Over the last 2 weeks, how often have you been bothered by any of the "
            "following problems?"
        ),
        recall=_("last 2 weeks"),
        items=(
            Item("q1", _("Little interest or pleasure in doing things"), FREQUENCY, "44250-9"),
            Item("q2", _("Feeling down, depressed, or hopeless"), FREQUENCY, "44255-8"),
            Item(
                "q3",
                _("Trouble falling or staying asleep, or sleeping too much"),
                FREQUENCY,
                "44259-0",
            ),
            Item("q4", _("Feeling tired or having little energy"), FREQUENCY, "44254-1"),
            Item("q5", _("Poor appetite or overeating"), FREQUENCY, "44251-7"),
            Item(
                "q6",
                _(
                    "Feeling bad about yourself — or that you are a failure or have let "
                    "yourself or your family down"
                ),
                FREQUENCY,
                "44258-2",
            ),
            Item(
                "q7",
                _(
                    "Trouble concentrating on things, such as reading the newspaper or "
                    "watching television"
                ),
                FREQUENCY,
                "44252-5",
            ),
            Item(
                "q8",
                _(
                    "Moving or speaking so slowly that other people could have noticed? Or "
                    "the opposite — being so fidgety or restless that you have been moving "
                    "around a lot more than usual"
                ),
                FREQUENCY,
                "44253-3",
            ),
            # §2.2: item 9 is mandatory and never prorated (required=True, the default).
            Item(
                "q9",
                _("Thoughts that you would be better off dead or of hurting yourself in some way"),
                FREQUENCY,
                "44260-8",
            ),
            # §2.2 (CamCOPS is_complete): not scored, but required whenever the total > 0.
            Item(
                "difficulty",
                _(
                    "If you checked off any problems, how difficult have these problems made "
                    "it for you to do your work, take care of things at home, or get along "
                    "with other people?"
                ),
                DIFFICULTY,
                "69722-7",
                scored=False,
                required=False,
                required_if_total_above=0,
            ),
        ),
        bands=PHQ_BANDS,
        licence_note=_(
            "Public domain: no permission is required to reproduce, translate, display or "
            "distribute (Pfizer / phqscreeners.com)."
        ),
        self_harm_items=True,
        min_age=18,  # adults by default; adolescents get the PHQ-A (§2.4)
        loinc_panel="44249-1",
        loinc_total="44261-6",
        # §3: caseness ≥10 (NHS TT / HEDIS index), reliable change 6, remission < 5.
        caseness=10,
        reliable_change=6,
        remission_below=5,
        # safety.md §5.1: item 9 ≥1 urgent ("review today"), ≥2 critical.
        safety=(SafetyTrigger("q9", 1, Severity.URGENT, critical_from=2),),
        # The official Spanish wording, its source and LOINC answer mapping (spanish.py).
        wordings={"es": PHQ9_ES},
        extra={"scoring": _("Sum of items 1–9 (0–27); the difficulty item is not scored.")},
    )
)
