"""The treatment contract (§1.3 task 9, §4): the initial agreement and its renegotiation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.ipt import services, variants
from rapport.ipt.forms.initial import RadioGroup
from rapport.ipt.models import Contract, Episode

END_HINT = _("Leave empty to compute it from the start, the number of sessions and the frequency.")
TERMS = [
    "planned_sessions",
    "frequency",
    "session_minutes",
    "expected_end_on",
    "focus",
    "missed_session_policy",
]


class ContractForm(forms.ModelForm):
    """The initial contract: 12–16 sessions for an acute course (§4.1), defaults from §4.2."""

    class Meta:
        model = Contract
        formfield_callback = sane_formfield
        fields = [
            "planned_sessions",
            "frequency",
            "session_minutes",
            "start_on",
            "expected_end_on",
            "focus",
            "missed_session_policy",
        ]
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}),
            "expected_end_on": forms.DateInput(attrs={"type": "date"}),
            "focus": forms.Textarea(attrs={"rows": 3}),
            "missed_session_policy": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "expected_end_on": END_HINT,
            "missed_session_policy": _("What happens when a session is missed or cancelled."),
        }

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["expected_end_on"].required = False
        self.fields["planned_sessions"].help_text = services.planned_sessions_reason(episode)
        # The unsaved instance's empty values would win over field initials: set the form's.
        self.initial.update(
            planned_sessions=services.planned_sessions_default(episode),
            session_minutes=variants.of(episode).session_minutes,
            start_on=max(timezone.localdate(), episode.started_on),
            focus=services.default_focus(episode),
        )

    def clean_planned_sessions(self) -> int:
        planned = self.cleaned_data["planned_sessions"]
        low, high = variants.of(self.episode).sessions_range
        if services.acute_range_applies(self.episode) and not low <= planned <= high:
            raise forms.ValidationError(
                _(
                    "An initial acute contract is for %(low)s to %(high)s sessions; change the "
                    "number later by renegotiating."
                ),
                params={"low": low, "high": high},
            )
        return planned

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, planned, frequency = (
            data.get(k) for k in ("start_on", "planned_sessions", "frequency")
        )
        if start and planned and frequency and not data.get("expected_end_on"):
            data["expected_end_on"] = services.expected_end(start, planned, frequency)
            self.instance.expected_end_on = data["expected_end_on"]
        _check_end(self, start, data.get("expected_end_on"))
        return data


class RenegotiationForm(forms.ModelForm):
    """A new version of the contract: what changes, and why (§4.1). Versions are never edited."""

    kinds = [
        (value, label) for value, label in Contract.Kind.choices if value != Contract.Kind.INITIAL
    ]
    kind = forms.ChoiceField(label=_("What changes"), widget=RadioGroup)
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Contract
        formfield_callback = sane_formfield
        fields = [*TERMS, "reason"]
        widgets = {
            "expected_end_on": forms.DateInput(attrs={"type": "date"}),
            "focus": forms.Textarea(attrs={"rows": 3}),
            "missed_session_policy": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "planned_sessions": _("The new total for the whole course, sessions held included."),
            "expected_end_on": _(
                "Leave empty to compute it from today and the sessions still to come."
            ),
            "reason": _(
                "Why the change was agreed with the client. A client who is not improving "
                "should be offered another effective treatment rather than an open-ended "
                "extension."
            ),
        }

    def __init__(
        self,
        *args: Any,
        episode: Episode,
        current: Contract,
        initial_planned: int,
        held: int,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {name: getattr(current, name) for name in TERMS})
        super().__init__(*args, **kwargs)
        self.episode, self.current = episode, current
        self.initial_planned, self.held = initial_planned, held
        self.initial["expected_end_on"] = None
        self.initial["based_on"] = current.version
        self.fields["kind"].choices = self.kinds
        self.fields["reason"].required = True
        self.fields["expected_end_on"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("based_on") not in (None, self.current.version):
            raise forms.ValidationError(STALE_CONTRACT, code="stale")
        kind, planned, frequency = (data.get(k) for k in ("kind", "planned_sessions", "frequency"))
        if not (kind and planned and frequency):
            return data
        problem = services.renegotiation_problem(
            self.episode,
            self.current,
            self.initial_planned,
            kind=kind,
            planned=planned,
            frequency=frequency,
            held=self.held,
        )
        if problem:
            self.add_error(*problem)
            return data
        if not self._changes_anything(data):
            raise forms.ValidationError(
                _("Nothing in the contract changes: change at least one term."), code="same"
            )
        if not data.get("expected_end_on"):
            start = max(timezone.localdate(), self.current.start_on)
            remaining = max(planned - self.held, 1)
            data["expected_end_on"] = services.expected_end(start, remaining, frequency)
            self.instance.expected_end_on = data["expected_end_on"]
        _check_end(self, self.current.start_on, data.get("expected_end_on"))
        return data

    def _changes_anything(self, data: dict[str, Any]) -> bool:
        if data.get("expected_end_on"):
            return True
        return any(
            data.get(name) != getattr(self.current, name) for name in TERMS[:-3] + TERMS[-2:]
        )


STALE_CONTRACT = _(
    "The contract was renegotiated by someone else while you were editing. Your changes are "
    "still in the form: check the current version, then save again."
)


def _check_end(form: forms.ModelForm, start: Any, end: Any) -> None:
    if start and end and end < start:
        form.add_error("expected_end_on", _("The expected end cannot be before the start."))
