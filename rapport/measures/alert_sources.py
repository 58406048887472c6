"""How an alert raised outside a questionnaire is put into words, and where its entry is.

A practice entry or a secure message belongs to an app above measures; that app
registers a ``source_link`` so the alert page can point the reader at the entry
(through that app's own access checks). Words here never quote the client's
text: the alert names what triggered it ("mood rating 1 in practice").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from rapport.measures.models import SafetyAlert

MOOD, PHRASE = "mood", "risk_phrase"
SourceLink = Callable[[Any, SafetyAlert], tuple[str, str] | None]
_links: dict[str, SourceLink] = {}


def source_link(kind: str) -> Callable[[SourceLink], SourceLink]:
    """Register ``(user, alert) -> (url, label) | None`` for alerts of one source kind."""

    def decorator(link: SourceLink) -> SourceLink:
        _links[kind] = link
        return link

    return decorator


def link_for(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    link = _links.get(alert.source)
    return link(user, alert) if link is not None else None


def is_questionnaire(alert: SafetyAlert) -> bool:
    return alert.source == SafetyAlert.Source.QUESTIONNAIRE


def needs_referral(alert: SafetyAlert) -> bool:
    """A medical-risk prompt (variants.md §5.4): acknowledged by a referral, not a
    suicide-risk assessment."""
    return alert.source == SafetyAlert.Source.MEDICAL


def summary(alert: SafetyAlert) -> str:
    """One line naming what raised a non-questionnaire alert, without the client's words."""
    if alert.item == MOOD:
        return _("mood rating %(value)d in practice") % {"value": alert.value}
    if needs_referral(alert):
        return _("a physical observation past a medical-risk threshold")
    if alert.source == SafetyAlert.Source.MESSAGE:
        return _("words on the clinic's risk-phrase list in a secure message")
    return _("words on the clinic's risk-phrase list in practice")


def trigger(alert: SafetyAlert) -> dict[str, Any]:
    """The alert page's source, question and answer for a non-questionnaire alert."""
    if alert.item == MOOD:
        question = _("Daily mood rating (0 = worst, 10 = best)")
        answer = str(alert.value)
    elif needs_referral(alert):
        question = _("Medical-risk thresholds and red flags (variants.md §5.4) [VERIFY]")
        answer = _medical_findings(alert)
    else:
        question = _("Words on the clinic's risk-phrase list")
        answer = _("Found in the client's own words")
    return {
        "instrument": alert.get_source_display(),
        "number": None,
        "question": question,
        "answer": answer,
        "summary": summary(alert),
        "referral": needs_referral(alert),  # acknowledged by a referral, not an assessment
    }


def _medical_findings(alert: SafetyAlert) -> str:
    """What the observation showed, recomputed from the stored observation (§5.4)."""
    from rapport.measures import variant_safety  # safety rules read models; import late
    from rapport.measures.models import PhysicalObservation

    observation = PhysicalObservation.objects.filter(
        public_id=alert.source_id, client_id=alert.client_id
    ).first()
    if observation is None:
        return _("The observation is no longer available.")
    found = variant_safety.flags_of(observation)
    words = {variant_safety.RED: _("red"), variant_safety.AMBER: _("amber")}
    return "; ".join(f"{flag.text} ({words[flag.level]})" for flag in found)
