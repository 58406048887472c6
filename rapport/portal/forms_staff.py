"""Staff forms on the client record's portal section."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=200)
    relationship = forms.CharField(
        label=_("Relationship to the client"),
        max_length=100,
        help_text=_("For example: mother, father, legal guardian."),
    )
    email = forms.EmailField(label=_("Their e-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the portal and e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    consent = forms.BooleanField(
        label=_("Consent is on record"),
        required=False,
        help_text=_(
            "Tick only when the parent's or guardian's consent and the young person's "
            "agreement are documented. Until then this account cannot sign in and no "
            "invitation is sent."
        ),
    )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_relationship(self) -> str:
        return self.cleaned_data["relationship"].strip()
