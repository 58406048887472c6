"""The "Billing" group of the clinic settings page: the practice as superbills name it,
session length → CPT code, fees, and which therapists' billing details are complete."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.models import Role, User
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.reports import billing
from rapport.reports.forms_billing import clean_npi
from rapport.reports.models_billing import (
    DEFAULT_MIN_90832,
    DEFAULT_MIN_90834,
    DEFAULT_MIN_90837,
    BillingSettings,
    TherapistBilling,
)

FIELDS = [
    "practice_name",
    "address",
    "phone",
    "tax_id",
    "npi",
    "min_minutes_90832",
    "min_minutes_90834",
    "min_minutes_90837",
    "first_session_is_evaluation",
    "fee_90791",
    "fee_90832",
    "fee_90834",
    "fee_90837",
]


class BillingForm(AuditedSettingsForm, forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "tax_id": gettext_lazy("The practice's Employer Identification Number: 12-3456789."),
            "min_minutes_90834": gettext_lazy(
                "Sessions of at least the 90832 minutes and under this are 90832."
            ),
            "min_minutes_90837": gettext_lazy(
                "Sessions of this length or longer are 90837. Shorter than the 90832 "
                "minutes, a session has no psychotherapy code."
            ),
            "fee_90791": gettext_lazy("Leave the fees empty to print superbills without fees."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("practice_name", "address", "phone", "tax_id"):
            self.fields[name].required = False  # a clinic may save part, then finish later

    def clean_tax_id(self) -> str:
        value = self.cleaned_data["tax_id"].strip()
        if value and not re.fullmatch(r"\d{2}-?\d{7}", value):
            raise forms.ValidationError(_("An EIN is nine digits, written 12-3456789."))
        return f"{value[:2]}-{value[-7:]}" if value else ""

    def clean_npi(self) -> str:
        return clean_npi(self.cleaned_data["npi"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        short, mid, long = (data.get(f"min_minutes_{c}") for c in ("90832", "90834", "90837"))
        if None not in (short, mid, long) and not short < mid < long:
            self.add_error(
                "min_minutes_90834",
                _("Each code must start later than the one before: 90832 < 90834 < 90837."),
            )
        return data


def _initial(row: BillingSettings | None, clinic: Any) -> dict[str, Any]:
    if row is None:
        return {
            "practice_name": clinic.name,
            "min_minutes_90832": DEFAULT_MIN_90832,
            "min_minutes_90834": DEFAULT_MIN_90834,
            "min_minutes_90837": DEFAULT_MIN_90837,
        }
    return {name: getattr(row, name) for name in FIELDS}


def therapists_status(clinic: Any) -> list[tuple[User, list[str]]]:
    """Each active therapist of the clinic, and what their billing details still lack."""
    people = list(
        User.objects.filter(clinic=clinic, is_active=True, staff_roles__role=Role.THERAPIST)
        .distinct()
        .order_by("last_name", "first_name")
    )
    details = {d.therapist_id: d for d in TherapistBilling.objects.filter(therapist__in=people)}
    return [(person, billing.therapist_problems(details.get(person.pk))) for person in people]


def _build(request: HttpRequest, data: Any) -> dict[str, Any]:
    clinic = request.user.clinic
    row = billing.settings_of(clinic)
    initial = _initial(row, clinic)
    rules = billing.CodeRules.of(row)
    missing = billing.clinic_problems(row)
    effects = [
        _("Superbills can be made.")
        if not missing
        else _("Superbills cannot be made until you fill in: %(what)s.")
        % {"what": ", ".join(missing)},
        _(
            "Codes by session length: 90832 from %(a)d minutes, 90834 from %(b)d, 90837 from "
            "%(c)d; an initial consultation is 90791."
        )
        % {"a": rules.min_90832, "b": rules.min_90834, "c": rules.min_90837},
        _("Superbills show fees.")
        if row and any(getattr(row, f"fee_{c}") is not None for c in billing.DESCRIPTIONS)
        else _("Superbills show no fees."),
    ]
    form = BillingForm(data, instance=row or BillingSettings(clinic=clinic), initial=initial)
    form.initial = initial  # the saved values, for the audit's old → new
    return {"form": form, "effects": effects, "therapists": therapists_status(clinic)}


def _save(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    changes = form.changes()
    row = form.save()
    return record_changes(
        request, "reports.billing.settings_updated", row, changes, clinic=request.user.clinic
    )


settings_section(
    SettingsSection(
        key="billing",
        title=gettext_lazy("Billing"),
        order=85,
        build=_build,
        save=_save,
        template="reports/settings/billing.html",
    )
)
