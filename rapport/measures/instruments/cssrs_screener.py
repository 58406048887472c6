"""C-SSRS screener (measures.md §2.8): licensed content — topics only; no total, a triage level."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.measures.instruments import register
from rapport.measures.instruments.base import Instrument, Item, Licence, SafetyTrigger, Severity
from rapport.measures.instruments.common import YES_NO

ASKED_AFTER_Q2 = ("q2", 1)  # items 3–5 are asked only if item 2 is "yes" (§2.8)

CSSRS_SCREENER = register(
    Instrument(
        code="cssrs_screener",
        version="1",
        title=_("Columbia Suicide Severity Rating Scale, screener (C-SSRS)"),
        short_title=_("C-SSRS screener"),
        recall=_("past month; behaviour lifetime and past 3 months"),
        items=(
            Item("q1", _("Wish to be dead (past month)"), YES_NO, "93246-7"),
            Item("q2", _("Non-specific active suicidal thoughts (past month)"), YES_NO, "93247-5"),
            Item(
                "q3",
                _("Active suicidal ideation with any methods, without intent to act"),
                YES_NO,
                "93248-3",
                shown_if=ASKED_AFTER_Q2,
            ),
            Item(
                "q4",
                _("Active suicidal ideation with some intent to act, without a specific plan"),
                YES_NO,
                "93249-1",
                shown_if=ASKED_AFTER_Q2,
            ),
            Item(
                "q5",
                _("Active suicidal ideation with a specific plan and intent"),
                YES_NO,
                "93250-9",
                shown_if=ASKED_AFTER_Q2,
            ),
            Item("q6", _("Suicidal behaviour (lifetime)"), YES_NO, "93267-3"),
            Item(
                "q6b",
                _("Suicidal behaviour within the past 3 months"),
                YES_NO,
                "93269-9",
                shown_if=("q6", 1),
            ),
        ),
        has_total=False,
        licence=Licence.LICENSED,
        licence_note=_(
            "Licensed instrument: only item topics are shown here. The wording is supplied by a "
            "practice that holds a licence (electronic versions are licensed through Clario; "
            "clinician-administered use recorded as structured data is the safer default)."
        ),
        self_harm_items=True,
        loinc_panel="93373-9",
        # safety.md §5.1: any "yes" triggers; ideation alone (items 1–2) urgent, active
        # ideation with method/intent/plan or any behaviour critical.
        safety=(
            SafetyTrigger("q1", 1, Severity.URGENT),
            SafetyTrigger("q2", 1, Severity.URGENT),
            SafetyTrigger("q3", 1, Severity.CRITICAL),
            SafetyTrigger("q4", 1, Severity.CRITICAL),
            SafetyTrigger("q5", 1, Severity.CRITICAL),
            SafetyTrigger("q6", 1, Severity.CRITICAL),
            SafetyTrigger("q6b", 1, Severity.CRITICAL),
        ),
        extra={
            # §2.8 triage, first match wins: item 4 or 5, or behaviour in the past 3 months
            # → high; item 3 or lifetime behaviour → moderate; items 1–2 → low.
            "triage": (
                (_("high risk"), ("q4", "q5", "q6b")),
                (_("moderate risk"), ("q3", "q6")),
                (_("low risk"), ("q1", "q2")),
            ),
            "triage_none": _("no risk identified"),
            "loinc_risk_level": "93374-7",
        },
    )
)
