"""The client's practice forms: one per kind, built from ipt's worksheet questions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.ipt.models import PracticeKind
from rapport.ipt.practice import LONGEST_ANSWER, WORKSHEETS

MOOD_CHOICES = [(str(n), str(n)) for n in range(11)]


class PracticeEntryForm(forms.Form):
    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == PracticeKind.MOOD:
            self.fields["mood"] = forms.TypedChoiceField(
                label=_("How is your mood today? 0 is the worst, 10 the best."),
                choices=MOOD_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a number from 0 to 10.")},
            )
        for question in WORKSHEETS[kind]:
            self.fields[question.name] = forms.CharField(
                label=question.label,
                required=question.required,
                max_length=LONGEST_ANSWER,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Write a few words here.")},
            )

    def answers(self) -> dict[str, str]:
        return {q.name: self.cleaned_data.get(q.name, "") for q in WORKSHEETS[self.kind]}
