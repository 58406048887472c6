"""Forms of administration: the questionnaire itself, the schedule, invitations, corrections.

The questionnaire is not a Django form: its fields come from the instrument
definition, and the engine (``engine.validate``) is the one judge of answers.

A submission is judged as a whole (``verdict``): every questionnaire answered;
or only unanswered questions left and a new safety answer among them, so what can
be stored is stored and the rest asked again later (safety.md §5.1); or errors, and
nothing is stored. Asking again shows only the questions still unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.inputs import SaneDateTimeField
from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Instrument, Item, Licence
from rapport.measures.models import ScheduledMeasure

# How a question appears: asked; already given (stored with an incomplete response,
# not asked again); or carried (sent before but not stored: kept in a hidden field).
ASK, GIVEN, CARRIED = "ask", "given", "carried"


@dataclass
class ItemField:
    item: Item
    number: int
    name: str  # the radio group's input name
    value: int | None
    error: str = ""
    state: str = ASK

    @property
    def answer_label(self) -> str:
        return next((o.label for o in self.item.options if o.value == self.value), "")


@dataclass
class Section:
    """One instrument on the page, with the answers given so far and their errors."""

    instrument: Instrument
    position: int
    count: int
    fields: list[ItemField]
    errors: dict[str, str] = field(default_factory=dict)
    unanswered: frozenset[str] = frozenset()  # errors that are only a missing answer
    alerted: frozenset[tuple[str, int]] = frozenset()  # (item, value) alerted on before

    @property
    def licensed(self) -> bool:
        return self.instrument.licence != Licence.PUBLIC

    @property
    def answers(self) -> dict[str, int]:
        """Every answer, given before or now: what a response of this section stores."""
        return {f.item.key: f.value for f in self.fields if f.value is not None}

    @property
    def asked(self) -> list[ItemField]:
        return [f for f in self.fields if f.state == ASK]

    @property
    def only_unanswered(self) -> bool:
        return bool(self.errors) and set(self.errors) <= self.unanswered

    @property
    def hits(self) -> tuple[engine.SafetyHit, ...]:
        """Safety answers among the valid answers (an invalid value is no answer)."""
        valid = {key: value for key, value in self.answers.items() if key not in self.errors}
        return engine.safety_hits(self.instrument, valid)

    @property
    def new_hits(self) -> tuple[engine.SafetyHit, ...]:
        return tuple(hit for hit in self.hits if (hit.item, hit.value) not in self.alerted)

    @property
    def stores_incomplete(self) -> bool:
        """Stored now although unfinished: it carries a safety answer not yet alerted on."""
        return self.only_unanswered and bool(self.new_hits)


def input_name(instrument: Instrument, item: Item) -> str:
    return f"{instrument.code}-{item.key}"


def read_answers(
    instrument: Instrument, data: Any, given: dict[str, int] | None = None
) -> tuple[dict[str, int], dict[str, str]]:
    """The item values posted for ``instrument`` and the items whose value was not a number.

    ``given`` answers (already stored) stand as they are: never read from the post.
    """
    answers: dict[str, int] = dict(given or {})
    errors: dict[str, str] = {}
    for item in instrument.items:
        if item.key in answers:
            continue
        raw = (data.get(input_name(instrument, item)) or "").strip()
        if not raw:
            continue
        try:
            answers[item.key] = int(raw)
        except ValueError:
            errors[item.key] = _("Choose one of the answers.")
    # A follow-up asked only after an earlier answer (C-SSRS items 3–5, measures.md §2.8)
    # is ignored when that answer changed: a radio button cannot be un-chosen.
    hidden = [key for key in answers if not engine.is_shown(instrument.item(key), answers)]
    for key in hidden:
        del answers[key]
    return answers, errors


Answers = dict[str, dict[str, int]]  # item answers by instrument code


def sections(
    codes: list[str],
    data: Any = None,
    initial: Answers | None = None,
    *,
    given: Answers | None = None,
    carried: Answers | None = None,
    alerted: dict[str, set[tuple[str, int]]] | None = None,
) -> list[Section]:
    """The page's sections; with ``data`` (a POST), answers are read and checked.

    * ``initial``: answers shown pre-filled (a correction);
    * ``given``: answers stored with an incomplete response: not asked again, but
      part of the section's answers (the completion stores them with the rest);
    * ``carried``: answers sent but not stored (an unfinished questionnaire without a
      safety answer): kept in hidden fields, only the unanswered questions are asked;
    * ``alerted``: (item, value) pairs already alerted on, so not a new safety answer.
    """
    built = []
    for position, code in enumerate(codes, start=1):
        # Worded in the reader's language where an official wording exists (spanish.py).
        instrument = instruments.get(code).in_language(translation.get_language())
        kept = dict((given or {}).get(code, {}))
        carry = dict((carried or {}).get(code, {})) if data is None else {}
        unanswered: frozenset[str] = frozenset()
        if data is not None:
            answers, unreadable = read_answers(instrument, data, kept)
            errors = dict(unreadable)
            try:
                engine.validate(instrument, answers)
            except engine.InvalidAnswers as invalid:
                errors = {**invalid.errors, **unreadable}
                # A value that was not a number reads as "no answer", but is an error.
                unanswered = invalid.unanswered - unreadable.keys()
        else:
            answers = dict((initial or {}).get(code, {})) | carry | kept
            errors = {}
        built.append(
            Section(
                instrument=instrument,
                position=position,
                count=len(codes),
                fields=[
                    ItemField(
                        item=item,
                        number=n,
                        name=input_name(instrument, item),
                        value=answers.get(item.key),
                        error=errors.get(item.key, ""),
                        state=GIVEN if item.key in kept else CARRIED if item.key in carry else ASK,
                    )
                    for n, item in enumerate(instrument.items, start=1)
                ],
                errors=errors,
                unanswered=unanswered,
                alerted=frozenset((alerted or {}).get(code, set())),
            )
        )
    return built


def has_errors(built: list[Section]) -> bool:
    return any(section.errors for section in built)


COMPLETE, SAFETY, ERRORS = "complete", "safety", "errors"


def verdict(built: list[Section]) -> str:
    """What a submission may store (measures.md §2.2, safety.md §5.1).

    * COMPLETE: every section answered and valid: store them all;
    * SAFETY: the only problems are unanswered questions, and some section (answered
      in full or not) carries a safety answer not alerted on before: store the
      answered sections and, as incomplete, the unfinished ones with such an answer;
      ask the rest again later;
    * ERRORS: anything else (a value off the scale, or unanswered questions without
      a new safety answer): show the errors, store nothing.
    """
    if not has_errors(built):
        return COMPLETE
    unfinished = [section for section in built if section.errors]
    if all(s.only_unanswered for s in unfinished) and any(s.new_hits for s in built):
        return SAFETY
    return ERRORS


def question_count(built: list[Section]) -> int:
    return sum(len(section.asked) for section in built)


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    cadence = forms.ChoiceField(
        label=gettext_lazy("How often"), choices=ScheduledMeasure.Cadence.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", _("Choose a questionnaire"))] + [
            (code, instrument.title) for code, instrument in instruments.CATALOGUE.items()
        ]


class InvitationForm(forms.Form):
    """When the link goes out: now, or some hours before the session (clinic default)."""

    NOW, BEFORE = "now", "before"
    when = forms.ChoiceField(
        label=gettext_lazy("Send"),
        choices=[
            (NOW, gettext_lazy("Now")),
            (BEFORE, gettext_lazy("A set time before the session")),
        ],
        widget=forms.RadioSelect,
        initial=NOW,
    )
    session_number = forms.IntegerField(
        label=gettext_lazy("For session number"), min_value=1, max_value=99
    )
    session_at = SaneDateTimeField(
        label=gettext_lazy("Session date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Needed when the link goes out before the session."),
    )
    hours_before = forms.IntegerField(
        label=gettext_lazy("Hours before the session"), min_value=1, max_value=168
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("when") == self.BEFORE:
            session_at = cleaned.get("session_at")
            if session_at is None:
                self.add_error("session_at", _("Give the date and time of the session."))
            elif session_at <= timezone.now():
                self.add_error("session_at", _("The session must be in the future."))
        return cleaned

    def send_at(self) -> datetime:
        """Now, or ``hours_before`` the session (never in the past: then it goes now)."""
        now = timezone.now()
        if self.cleaned_data["when"] != self.BEFORE:
            return now
        at = self.cleaned_data["session_at"] - timedelta(hours=self.cleaned_data["hours_before"])
        return max(at, now)


class SessionNumberForm(forms.Form):
    session_number = forms.IntegerField(
        label=gettext_lazy("Session number"), min_value=1, max_value=99
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: the client told you an answer was entered by mistake. "
            "The original stays on record, struck through."
        ),
        max_length=2000,
    )
