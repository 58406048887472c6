"""The parent-contact log of an episode (variants.md §1.2, §1.6 CaregiverContact)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.core.widgets import RadioSelect
from rapport.ipt.models import CaregiverContact, Episode


class CaregiverContactForm(forms.ModelForm):
    class Meta:
        model = CaregiverContact
        formfield_callback = sane_formfield
        fields = [
            "participant",
            "contact_on",
            "mode",
            "initiated_by",
            "category",
            "client_informed",
            "not_informed_reason",
            "summary",
        ]
        widgets = {
            "contact_on": forms.DateInput(attrs={"type": "date"}),
            "client_informed": RadioSelect,
            "not_informed_reason": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "not_informed_reason": _("Required when the young person was not told. Encrypted."),
            "summary": _("What was discussed or agreed. Encrypted; never shown to the parent."),
        }

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        people = self.fields["participant"]
        people.queryset = episode.participants.all()
        people.label_from_instance = lambda person: f"{person.name} ({person.relationship})"
        people.empty_label = None
        self.fields["client_informed"].choices = CaregiverContact.Informed.choices
        self.fields["summary"].required = True
        self.fields["contact_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("contact_on")
        if day and day > timezone.localdate():
            self.add_error("contact_on", _("The date cannot be in the future."))
        informed = data.get("client_informed")
        if informed == CaregiverContact.Informed.NO and not data.get("not_informed_reason"):
            self.add_error(
                "not_informed_reason",
                _("Say why the young person was not told of this contact (§1.4)."),
            )
        return data
