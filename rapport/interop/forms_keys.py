"""The form a clinic admin fills to make an API key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import Clinic, Role, User
from rapport.interop.models import KeyScope

LIFETIMES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what uses the key, for example “Registry upload”."),
    )
    scope = forms.ChoiceField(label=_("Reads"), choices=KeyScope.choices, initial=KeyScope.CLINIC)
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner (for one caseload)"),
        queryset=User.objects.none(),
        required=False,
    )
    lifetime = forms.ChoiceField(label=_("Expires after"), choices=LIFETIMES, initial="90")

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = (
            User.objects.filter(clinic=clinic, is_active=True, staff_roles__role=Role.THERAPIST)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == KeyScope.CASELOAD and not data.get("practitioner"):
            self.add_error("practitioner", _("Choose whose caseload the key reads."))
        if data.get("scope") == KeyScope.CLINIC:
            data["practitioner"] = None
        return data

    def key_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "scope": data["scope"],
            "practitioner": data["practitioner"],
            "expires_at": timezone.now() + timedelta(days=int(data["lifetime"])),
        }
