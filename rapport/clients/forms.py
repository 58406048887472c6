from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.inputs import sane_formfield
from rapport.core.models import Role, User
from rapport.core.versioning import VersionedForm


class ClientDemographicsForm(VersionedForm):
    class Meta:
        model = Client
        formfield_callback = sane_formfield
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_channel",
            "preferred_language",
            "assigned_therapist",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_therapist"].queryset = User.objects.filter(
            clinic=clinic, is_active=True, staff_roles__role=Role.THERAPIST
        ).order_by("last_name", "first_name")
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        # A form sent without it (an older page) keeps the language on record.
        self.fields["preferred_language"].required = False

    def clean_preferred_language(self) -> str:
        chosen = self.cleaned_data.get("preferred_language")
        return chosen or self.instance.preferred_language or settings.LANGUAGE_CODE

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = {
            Client.ContactChannel.EMAIL: (
                "email",
                _("Add an e-mail address, or choose another way to contact."),
            ),
            Client.ContactChannel.PHONE: (
                "phone",
                _("Add a phone number, or choose another way to contact."),
            ),
            Client.ContactChannel.TEXT: (
                "phone",
                _("Add a phone number, or choose another way to contact."),
            ),
        }.get(data.get("preferred_channel"))
        # An invalid value already has its own message; only a missing one gets this.
        if missing and missing[0] not in self.errors and not data.get(missing[0]):
            self.add_error(*missing)
        return data


class ClinicalBackgroundForm(VersionedForm):
    class Meta:
        model = Client
        fields = ["background"]
        widgets = {"background": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "background": _("Seen only by the treating therapist and their supervisor. Encrypted."),
        }
