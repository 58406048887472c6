"""Forms of administration: the questionnaire itself, the schedule, invitations, corrections.

The questionnaire is not a Django form: its fields come from the instrument
definition, and the engine (``engine.validate``) is the one judge of answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Instrument, Item, Licence
from rapport.measures.models import ScheduledMeasure


@dataclass
class ItemField:
    item: Item
    number: int
    name: str  # the radio group's input name
    value: int | None
    error: str = ""


@dataclass
class Section:
    """One instrument on the page, with the answers given so far and their errors."""

    instrument: Instrument
    position: int
    count: int
    fields: list[ItemField]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def licensed(self) -> bool:
        return self.instrument.licence != Licence.PUBLIC

    @property
    def answers(self) -> dict[str, int]:
        return {f.item.key: f.value for f in self.fields if f.value is not None}


def input_name(instrument: Instrument, item: Item) -> str:
    return f"{instrument.code}-{item.key}"


def read_answers(instrument: Instrument, data: Any) -> tuple[dict[str, int], dict[str, str]]:
    """The item values posted for ``instrument`` and the items whose value was not a number."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in instrument.items:
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


def sections(
    codes: list[str], data: Any = None, initial: dict[str, dict[str, int]] | None = None
) -> list[Section]:
    """The page's sections; with ``data`` (a POST), answers are read and checked."""
    built = []
    for position, code in enumerate(codes, start=1):
        instrument = instruments.get(code)
        if data is not None:
            answers, errors = read_answers(instrument, data)
            try:
                engine.validate(instrument, answers)
            except engine.InvalidAnswers as invalid:
                errors = {**invalid.errors, **errors}
        else:
            answers, errors = dict((initial or {}).get(code, {})), {}
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
                    )
                    for n, item in enumerate(instrument.items, start=1)
                ],
                errors=errors,
            )
        )
    return built


def has_errors(built: list[Section]) -> bool:
    return any(section.errors for section in built)


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
    session_at = forms.DateTimeField(
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
