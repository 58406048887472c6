"""Forms for superbills: a therapist's billing details, the client's address, the period."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField, sane_formfield
from rapport.reports.billing import MAX_PERIOD_DAYS
from rapport.reports.models_billing import ClientBillingAddress, TherapistBilling

# The states, DC and the territories (a licence is issued by one of them).
US_STATES = frozenset(
    {
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    }
)


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit over "80840" + the first nine
    (the CMS rule for National Provider Identifiers)."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def clean_npi(value: str) -> str:
    value = value.replace(" ", "")
    if value and not npi_is_valid(value):
        raise forms.ValidationError(
            _("An NPI is 10 digits and its last digit checks the others: check it for a typo.")
        )
    return value


class TherapistBillingForm(forms.ModelForm):
    class Meta:
        formfield_callback = sane_formfield
        model = TherapistBilling
        fields = ["credentials", "license_number", "license_state", "npi"]
        help_texts = {"npi": _("Your individual (type 1) National Provider Identifier.")}

    def clean_license_state(self) -> str:
        state = self.cleaned_data["license_state"].strip().upper()
        if state not in US_STATES:
            raise forms.ValidationError(_("Enter the state's two-letter code, for example NY."))
        return state

    def clean_npi(self) -> str:
        return clean_npi(self.cleaned_data["npi"])


class ClientAddressForm(forms.ModelForm):
    class Meta:
        model = ClientBillingAddress
        fields = ["address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].required = True
        self.fields["address"].max_length = 500
        self.fields["address"].help_text = _("As the insurer should see it on the superbill.")


class PeriodForm(forms.Form):
    first = SaneDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = SaneDateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end of the period comes before its start."))
            elif last - first > dt.timedelta(days=MAX_PERIOD_DAYS):
                self.add_error(
                    "last", _("A superbill covers at most a year: choose a shorter period.")
                )
        return data
