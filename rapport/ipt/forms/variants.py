"""Choosing an episode's manual, and changing it on a running episode (issue 15 item 7)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.ipt.catalogue import Variant
from rapport.ipt.models import Episode


class VariantChangeForm(forms.Form):
    variant = forms.ChoiceField(label=_("New manual"))
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the episode's history of changes. Encrypted."),
        error_messages={"required": _("Say why the manual changes.")},
    )
    # Set by the review page: the change is made only once its defaults were shown.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variant"].choices = [("", _("Choose a manual"))] + [
            choice for choice in Variant.choices if choice[0] != episode.variant
        ]
