from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.ipt.models import Episode


class EpisodeStartForm(forms.ModelForm):
    class Meta:
        model = Episode
        formfield_callback = sane_formfield
        fields = [
            "episode_type",
            "variant",
            "started_on",
            "baseline_phq9",
            "clinician_rated_severe",
        ]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "baseline_phq9": _("Used to suggest 12 or 16 sessions (16 when 16 or more)."),
            "variant": _("You will see what the manual brings before the episode starts."),
        }

    # Set by the review page: the episode opens once the manual's defaults were shown.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()

    def clean_started_on(self) -> Any:
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate() + timezone.timedelta(days=60):
            raise forms.ValidationError(_("Choose a start date within the next two months."))
        return day
