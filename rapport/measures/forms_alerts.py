"""Acknowledging a safety alert: the documented risk assessment of safety.md §5.1 step 4."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
    """Every part required: NPSG 15.01.01 asks for each, and a blank one is not an assessment."""

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
    safety_plan_updated = forms.BooleanField(
        label=_("A safety plan was created or updated with the client"), required=False
    )
    safety_plan_reason = forms.CharField(
        label=_("If not, why not"),
        required=False,
        help_text=_("Required when no safety plan was created or updated."),
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        help_text=_("Today or later."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name in [*TEXT_FIELDS, "safety_plan_reason"]:
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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            not data.get("safety_plan_updated")
            and not (data.get("safety_plan_reason") or "").strip()
        ):
            self.add_error(
                "safety_plan_reason",
                _("Tick that a safety plan was created or updated, or explain why not."),
            )
        return data

    def assessment(self) -> dict[str, Any]:
        """The values to store; a reason for no safety plan is kept with the action taken
        (the alert has no column of its own for it)."""
        data = {name: self.cleaned_data[name].strip() for name in TEXT_FIELDS}
        reason = self.cleaned_data["safety_plan_reason"].strip()
        if not self.cleaned_data["safety_plan_updated"] and reason:
            data["action_taken"] += "\n\n" + str(_("No safety plan update: %(reason)s")) % {
                "reason": reason
            }
        data["risk_level"] = self.cleaned_data["risk_level"]
        data["safety_plan_updated"] = self.cleaned_data["safety_plan_updated"]
        data["follow_up_on"] = self.cleaned_data["follow_up_on"]
        return data
