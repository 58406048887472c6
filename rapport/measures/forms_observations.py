"""A physical observation (variants.md §5.5): values in plausible ranges, or a clear message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.measures.models import PhysicalObservation

# Plausible ranges: a value outside is a typing slip, refused with a message (no threshold).
RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "weight_kg": (Decimal("15"), Decimal("400")),
    "height_cm": (Decimal("80"), Decimal("250")),
    "pulse": (Decimal("15"), Decimal("250")),
    "systolic_bp": (Decimal("40"), Decimal("260")),
    "temperature_c": (Decimal("25"), Decimal("44")),
    "potassium": (Decimal("1"), Decimal("9")),
}
MEASURES = list(RANGES)
FLAGS = ["syncope", "chest_pain", "blood_in_vomit", "vomiting_and_laxatives", "low_fluid_intake"]


class ObservationForm(forms.ModelForm):
    observed_on = SaneDateField(
        label=_("Date observed"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = PhysicalObservation
        fields = ["observed_on", "source", *MEASURES, *FLAGS]
        widgets = {"source": forms.RadioSelect}

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["source"].choices = PhysicalObservation.Source.choices
        self.fields["source"].error_messages["required"] = _("Say where the values come from.")
        self.fields["observed_on"].error_messages["required"] = _("Enter the date observed.")
        for name, (low, high) in RANGES.items():
            field = self.fields[name]
            field.widget.attrs.update({"min": str(low), "max": str(high), "inputmode": "decimal"})

    def clean_observed_on(self) -> date:
        day = self.cleaned_data["observed_on"]
        if day > self.today:
            raise ValidationError(_("The date observed cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, (low, high) in RANGES.items():
            value = data.get(name)
            if value is not None and not low <= Decimal(value) <= high:
                self.add_error(
                    name,
                    _("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high},
                )
        if not self.errors and not any(data.get(n) not in (None, False) for n in MEASURES + FLAGS):
            raise ValidationError(_("Enter at least one value or red flag."))
        return data

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in ["observed_on", "source", *MEASURES, *FLAGS]
        }
