"""The session note's "Assign practice before next session" control."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.ipt.models import PracticeKind


class AssignPracticeForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Practice before the next session"),
        choices=PracticeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of practice to assign.")},
    )
    instruction = forms.CharField(
        label=_("Instruction for the client"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to the client in the portal with each practice you assign here, "
            "for example which conversation to look at."
        ),
    )
