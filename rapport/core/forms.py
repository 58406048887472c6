from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.models import User


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("Anyone"),
    )
    client = forms.ChoiceField(label=_("Client"), required=False)

    def __init__(self, *args, staff, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = staff
        self.fields["client"].choices = [("", _("Any client")), *clients]
