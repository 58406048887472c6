"""Acknowledging a safety alert: the documented risk assessment of safety.md §5.1 step 4."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.measures.models import SafetyAlert

TEXT_FIELDS = [
    "ideation",
    "plan",
    "intent",
    "behaviour",
    "risk_factors",
    "protective_factors",
    "action_taken",
]
MAX_TEXT = 4000


class AcknowledgeForm(forms.Form):
    """Every part required: NPSG 15.01.01 asks for each, and a blank one is not an assessment.

    The safety plan that used to be a checkbox here is a plan of its own now
    (``SafetyPlanForm``), submitted with this form.
    """

    ideation = forms.CharField(
        label=_("Suicidal ideation"),
        help_text=_("Thoughts of death or suicide: frequency, intensity, duration, most recent."),
    )
    plan = forms.CharField(
        label=_("Plan"), help_text=_("Any plan: method, time, place; access to means.")
    )
    intent = forms.CharField(
        label=_("Intent"), help_text=_("Intent to act, and what holds the client back.")
    )
    behaviour = forms.CharField(
        label=_("Suicidal or self-harm behaviour"),
        help_text=_("Past attempts, preparatory acts or self-harm, recent and lifetime."),
    )
    risk_factors = forms.CharField(label=_("Risk factors"))
    protective_factors = forms.CharField(label=_("Protective factors"))
    risk_level = forms.ChoiceField(
        label=_("Overall risk level"),
        choices=SafetyAlert.RiskLevel.choices,
        widget=forms.RadioSelect,
    )
    action_taken = forms.CharField(
        label=_("Action taken"),
        help_text=_("What you did: e.g. called the client, crisis referral, means counselling."),
    )
    follow_up_on = SaneDateField(
        label=_("Follow-up date"),
        help_text=_("Today or later."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name in TEXT_FIELDS:
            field = self.fields[name]
            field.max_length = MAX_TEXT
            field.widget = forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT})
        for name, field in self.fields.items():
            if field.required:
                field.error_messages["required"] = self.required_message(name)

    @staticmethod
    def required_message(name: str) -> str:
        if name == "risk_level":
            return str(_("Choose the overall risk level."))
        if name == "follow_up_on":
            return str(_("Enter the follow-up date."))
        return str(_("Please fill in this part of the assessment."))

    def clean_follow_up_on(self) -> date:
        day = self.cleaned_data["follow_up_on"]
        if day < self.today:
            raise ValidationError(_("The follow-up date must be today or later."))
        return day

    def assessment(self) -> dict[str, Any]:
        """The values to store (the safety plan is its own form: forms_safety_plan)."""
        data = {name: self.cleaned_data[name].strip() for name in TEXT_FIELDS}
        data["risk_level"] = self.cleaned_data["risk_level"]
        data["follow_up_on"] = self.cleaned_data["follow_up_on"]
        return data


class ReferralForm(forms.Form):
    """Acknowledging by an action: a medical-risk prompt's referral (variants.md §5.4),
    or what was done about an early-warning sign (§4.6), worded by ``words``."""

    action_taken = forms.CharField(
        label=_("Referral for medical assessment"),
        help_text=_(
            "To whom (the responsible physician, GP or emergency department), when, and "
            "what was agreed. Rapport records and prompts; it does not diagnose."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        error_messages={"required": _("Say what referral was made.")},
    )
    follow_up_on = SaneDateField(
        label=_("Follow-up date"),
        help_text=_("Today or later."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the follow-up date.")},
    )

    def __init__(self, *args: Any, today: date, words: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if words is not None:  # alert_sources.ActionWords: the alert's own wording
            field = self.fields["action_taken"]
            field.label, field.help_text = words.field, words.help_text
            field.error_messages["required"] = words.required

    def clean_follow_up_on(self) -> date:
        day = self.cleaned_data["follow_up_on"]
        if day < self.today:
            raise ValidationError(_("The follow-up date must be today or later."))
        return day

    def referral(self) -> dict[str, Any]:
        return {
            "action_taken": self.cleaned_data["action_taken"].strip(),
            "follow_up_on": self.cleaned_data["follow_up_on"],
        }
