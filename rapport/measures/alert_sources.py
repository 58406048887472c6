"""How an alert raised outside a questionnaire is put into words, and where its entry is.

A practice entry or a secure message belongs to an app above measures; that app
registers a ``source_link`` so the alert page can point the reader at the entry
(through that app's own access checks). Words here never quote the client's
text: the alert names what triggered it ("mood rating 1 in practice").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rapport.measures.models import SafetyAlert

MOOD, PHRASE = "mood", "risk_phrase"
# IPSRT's early-warning rule (variants.md §4.6), raised from the rhythm diary (rhythms).
EARLY_WARNING = "early_warning"
SourceLink = Callable[[Any, SafetyAlert], tuple[str, str] | None]
_links: dict[tuple[str, str], SourceLink] = {}
_answers: dict[str, Callable[[SafetyAlert], str]] = {}


def source_link(kind: str, item: str = "") -> Callable[[SourceLink], SourceLink]:
    """Register ``(user, alert) -> (url, label) | None`` for alerts of one source kind
    (of one ``item`` of it, when the app that raises that item is not the kind's own)."""

    def decorator(link: SourceLink) -> SourceLink:
        _links[(kind, item)] = link
        return link

    return decorator


def link_for(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    link = _links.get((alert.source, alert.item)) or _links.get((alert.source, ""))
    return link(user, alert) if link is not None else None


def item_answer(item: str) -> Callable[[Callable[[SafetyAlert], str]], Callable]:
    """Register ``alert -> words`` saying what an alert item found (the app above knows)."""

    def decorator(answer: Callable[[SafetyAlert], str]) -> Callable[[SafetyAlert], str]:
        _answers[item] = answer
        return answer

    return decorator


def is_questionnaire(alert: SafetyAlert) -> bool:
    return alert.source == SafetyAlert.Source.QUESTIONNAIRE


def needs_referral(alert: SafetyAlert) -> bool:
    """A medical-risk prompt (variants.md §5.4)."""
    return alert.source == SafetyAlert.Source.MEDICAL


def is_early_warning(alert: SafetyAlert) -> bool:
    return alert.item == EARLY_WARNING


def closed_by_action(alert: SafetyAlert) -> bool:
    """Acknowledged by the action taken and its follow-up date, not by a suicide-risk
    assessment: a medical-risk prompt (its referral) and an early-warning sign (what the
    therapist did). A positive suicidality answer always raises its own alert."""
    return needs_referral(alert) or is_early_warning(alert)


@dataclass(frozen=True)
class ActionWords:
    """How the pages word an alert closed by an action (``closed_by_action``)."""

    heading: str  # the acknowledgement page's heading, before the client's name
    banner: str  # the open alert's banner
    hint: str  # what acknowledging asks for
    record: str  # the alert page's button
    acknowledge: str  # the form's button
    legend: str  # the form's fieldset and the recorded action's heading
    field: str  # the action's label
    help_text: str
    required: str
    done: str
    note_button: str  # the session note's offer
    note_hint: str
    note_done: str


def action_words(alert: SafetyAlert) -> ActionWords:
    if is_early_warning(alert):
        return ActionWords(
            heading=_("Early-warning sign"),
            banner=_(
                "Early-warning sign of a mood episode: review today. Open until a clinician "
                "records what was done."
            ),
            hint=_(
                "An early-warning sign from the client's rhythm diary (variants.md §4.6): "
                "contact the client, review the warning-signs plan, and involve the "
                "prescriber if the plan says so. The alert keeps escalating until what was "
                "done is recorded."
            ),
            record=_("Record what was done"),
            acknowledge=_("Record what was done and acknowledge"),
            legend=_("What was done about the early-warning sign"),
            field=_("What was done"),
            help_text=_(
                "For example: called the client, brought the next session forward, told "
                "the prescriber, agreed steps from the warning-signs plan."
            ),
            required=_("Say what was done."),
            done=_("What was done is recorded; the alert is acknowledged."),
            note_button=_("Record what was done from this note"),
            note_hint=_(
                "An early-warning sign from the rhythm diary. Record what was done and when "
                "you will follow it up: that acknowledges the alert."
            ),
            note_done=_("What was done is recorded from this note; the alert is acknowledged."),
        )
    return ActionWords(
        heading=_("Medical-risk referral"),
        banner=_(
            "Medical risk: refer for medical assessment. Open until a clinician records "
            "the referral."
        ),
        hint=_(
            "Medical risk: refer the client for medical assessment (pulse, blood pressure, "
            "temperature, bloods) by the physician responsible for medical monitoring. The "
            "alert keeps escalating until the referral is recorded."
        ),
        record=_("Record the referral"),
        acknowledge=_("Record the referral and acknowledge"),
        legend=_("Referral for medical assessment"),
        field=_("Referral for medical assessment"),
        help_text=_(
            "To whom (the responsible physician, GP or emergency department), when, and "
            "what was agreed. Rapport records and prompts; it does not diagnose."
        ),
        required=_("Say what referral was made."),
        done=_("Referral recorded; the alert is acknowledged."),
        note_button=_("Record the referral from this note"),
        note_hint=_(
            "A physical observation passed a medical-risk threshold. Record the referral for "
            "medical assessment and when you will follow it up: that acknowledges the alert."
        ),
        note_done=_("Referral recorded from this note; the alert is acknowledged."),
    )


def summary(alert: SafetyAlert) -> str:
    """One line naming what raised a non-questionnaire alert, without the client's words."""
    if alert.item == MOOD:
        return _("mood rating %(value)d in practice") % {"value": alert.value}
    if needs_referral(alert):
        return _("a physical observation past a medical-risk threshold")
    if is_early_warning(alert):
        return _("an early-warning sign of a mood episode in the rhythm diary")
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
    elif alert.item in _answers:
        question = _("Early-warning rule (variants.md §4.6, a proposal) [VERIFY]")
        answer = _answers[alert.item](alert)
    else:
        question = _("Words on the clinic's risk-phrase list")
        answer = _("Found in the client's own words")
    return {
        "instrument": alert.get_source_display(),
        "number": None,
        "question": question,
        "answer": answer,
        "summary": summary(alert),
        "action": action_words(alert) if closed_by_action(alert) else None,
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
