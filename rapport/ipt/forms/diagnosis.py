"""Recording a working diagnosis: a code from the catalogue, its role and its date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.ipt import diagnoses
from rapport.ipt.models import EpisodeDiagnosis


def code_choices(found: list[diagnoses.Code]) -> list[tuple[str, Any]]:
    """The codes grouped as the catalogue groups them (an <optgroup> each)."""
    grouped: list[tuple[str, Any]] = [("", _("Choose a code"))]
    for group in diagnoses.GROUPS:
        options = [(c.code, f"{c.code} · {c.title}") for c in found if c.group == group]
        if options:
            grouped.append((str(group), options))
    return grouped


class DiagnosisForm(forms.Form):
    code = forms.ChoiceField(label=_("ICD-10-CM code"))
    rank = forms.TypedChoiceField(
        label=_("Role"),
        choices=EpisodeDiagnosis.Rank.choices,
        coerce=int,
        initial=EpisodeDiagnosis.Rank.PRIMARY,
        widget=forms.RadioSelect,
        help_text=_(
            "A new primary diagnosis replaces the current primary one; so does a secondary."
        ),
    )
    diagnosed_on = SaneDateField(
        label=_("Date of diagnosis"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, found: list[diagnoses.Code] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        shown = found if found is not None else list(diagnoses.CATALOGUE.values())
        # Every code stays valid on submit, whatever the search showed.
        self.fields["code"].choices = code_choices(shown)
        self.fields["code"].valid_value = lambda value: value in diagnoses.CATALOGUE
        today = timezone.localdate()
        self.fields["diagnosed_on"].initial = today
        self.fields["diagnosed_on"].widget.attrs["max"] = today.isoformat()

    def clean_diagnosed_on(self) -> date:
        day = self.cleaned_data["diagnosed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A diagnosis cannot be dated in the future."))
        return day
