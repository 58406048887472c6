"""Forms for letters: recording a recipient's consent, writing and sending a letter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.reports.letters import PLACEHOLDERS
from rapport.reports.models import LetterKind, RecipientConsent


class ConsentForm(forms.ModelForm):
    class Meta:
        formfield_callback = sane_formfield
        model = RecipientConsent
        fields = [
            "recipient",
            "recipient_name",
            "recipient_email",
            "recipient_address",
            "given_on",
            "how",
        ]
        widgets = {
            "given_on": forms.DateInput(attrs={"type": "date"}),
            "recipient_address": forms.Textarea(attrs={"rows": 3}),
            "how": forms.TextInput(),
        }
        help_texts = {
            "how": _("For example: signed consent form, or agreed verbally in session 1.")
        }

    def clean_given_on(self) -> Any:
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be dated in the future."))
        return day


class LetterStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    consent = forms.ModelChoiceField(
        label=_("To (with the client's consent on record)"),
        queryset=RecipientConsent.objects.none(),
        to_field_name="public_id",
        empty_label=None,
    )

    def __init__(self, *args: Any, consents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = consents
        self.fields["consent"].label_from_instance = lambda c: (
            f"{c.recipient_name} ({c.get_recipient_display().lower()})"
        )


class LetterBodyForm(forms.Form):
    body = forms.CharField(
        label=_("Letter"),
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=20000,
        help_text=_("Check and edit the text. Once signed, the letter cannot be changed."),
    )


class SendForm(forms.Form):
    to = forms.EmailField(label=_("Send to"))


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Wording"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text=_("Placeholders filled from the episode: %(names)s.")
        % {"names": ", ".join("{" + name + "}" for name in PLACEHOLDERS)},
    )
