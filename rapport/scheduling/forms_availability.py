"""Forms of the scheduling pages: weekly hours and time off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.core.models import User
from rapport.core.zones import TimeZoneField
from rapport.scheduling.models import TimeOff, WeeklyHours
from rapport.scheduling.timeutil import local_to_utc


class WeeklyHoursForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_(
            "The hours are wall-clock times here; they stay put across DST changes. "
            "Type part of a name, for example “Berlin”, and pick a suggestion."
        ),
    )

    class Meta:
        model = WeeklyHours
        fields = ["weekday", "starts", "ends", "time_zone", "session_minutes", "buffer_minutes"]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, therapist: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.therapist = therapist
        self.fields["time_zone"].widget.first = therapist.time_zone or therapist.clinic.time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends, weekday = data.get("starts"), data.get("ends"), data.get("weekday")
        if starts is None or ends is None:
            return data
        if ends <= starts:
            self.add_error("ends", _("The end time must be after the start time."))
            return data
        clash = (
            WeeklyHours.objects.filter(
                therapist=self.instance.therapist, weekday=weekday, starts__lt=ends, ends__gt=starts
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash is not None:
            self.add_error(
                None,
                _("These hours overlap the block %(block)s on the same day.")
                % {"block": f"{clash.starts:%H:%M}–{clash.ends:%H:%M}"},
            )
        return data


class TimeOffForm(forms.Form):
    """Whole days away (holidays, training), in the therapist's own zone."""

    first_day = SaneDateField(
        label=_("First day away"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = SaneDateField(
        label=_("Last day away"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=120,
        required=False,
        help_text=_("Operational only, e.g. “Holiday” or “Training”: never clinical."),
    )

    def __init__(self, *args: Any, therapist: User, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.therapist, self.zone = therapist, zone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day must be on or after the first day."))
        return data

    def save(self) -> TimeOff:
        data = self.cleaned_data
        return TimeOff.objects.create(
            therapist=self.therapist,
            starts_at=local_to_utc(data["first_day"], dt.time(0), self.zone),
            ends_at=local_to_utc(data["last_day"] + dt.timedelta(days=1), dt.time(0), self.zone),
            reason=data["reason"],
        )
