"""The diary's forms, shared by the portal (the client) and the episode (the therapist)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.rhythms.activities import (
    MOOD_HIGHEST,
    MOOD_LOWEST,
    OWN,
    Activity,
    Engagement,
    Medication,
    Person,
)
from rapport.rhythms.models import RhythmEntry
from rapport.rhythms.scoring import HIT_WINDOW, clock
from rapport.rhythms.services import LONGEST_TEXT, Cell, Listed, TargetRow

ENGAGEMENT_CHOICES = [("", _("Not said")), *[(str(v), label) for v, label in Engagement.choices]]


def _minutes(value: Any) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


class WeekForm(forms.Form):
    """Seven days x the episode's activities: a time (blank = not done), and who was there."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        days: list[date],
        listed: list[Listed],
        stored: dict[tuple[date, str], RhythmEntry],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.days, self.listed = days, listed
        today = timezone.localdate()
        self.rows: list[dict[str, Any]] = []
        for index, day in enumerate(days):
            day_name = formats.date_format(day, "l j F")
            cells = []
            for item in listed:
                entry = stored.get((day, item.activity))
                key = f"{index}_{item.activity}"
                self.fields[f"t_{key}"] = forms.TimeField(
                    label=item.label,
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    initial=clock(entry.minutes) if entry and entry.minutes is not None else None,
                    error_messages={"invalid": _("Write a time such as 07:30.")},
                )
                self.fields[f"e_{key}"] = forms.TypedChoiceField(
                    label=_("Others there"),
                    choices=ENGAGEMENT_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=entry.engagement if entry else "",
                )
                self.fields[f"p_{key}"] = forms.MultipleChoiceField(
                    label=_("Who"),
                    choices=Person.choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=entry.people if entry else [],
                )
                cells.append(
                    {
                        "label": item.label,
                        "target": item.target,
                        "time": self[f"t_{key}"],
                        "engagement": self[f"e_{key}"],
                        "people": self[f"p_{key}"],
                    }
                )
            self.rows.append({"day": day, "name": day_name, "future": day > today, "cells": cells})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        today = timezone.localdate()
        for index, day in enumerate(self.days):
            if day <= today:
                continue
            if any(cleaned.get(f"t_{index}_{item.activity}") for item in self.listed):
                raise forms.ValidationError(_("Times can be written for today and earlier days."))
        return cleaned

    def cells(self) -> dict[tuple[date, str], Cell]:
        data = self.cleaned_data
        found = {}
        for index, day in enumerate(self.days):
            for item in self.listed:
                key = f"{index}_{item.activity}"
                found[(day, item.activity)] = Cell(
                    minutes=_minutes(data.get(f"t_{key}")),
                    engagement=data.get(f"e_{key}"),
                    people=tuple(data.get(f"p_{key}") or ()),
                )
        return found


MOOD_CHOICES = [(str(n), f"{n:+d}" if n else "0") for n in range(MOOD_LOWEST, MOOD_HIGHEST + 1)]


class MoodForm(forms.Form):
    prefix = "mood"  # beside the event form on one page: ids stay unique
    day = SaneDateField(  # 1900–2100, as every date Rapport takes
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mood = forms.TypedChoiceField(
        label=_("Your mood that day: -5 very low, 0 steady, +5 very high"),
        choices=MOOD_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from -5 to +5.")},
    )
    sleep_hours = forms.DecimalField(
        label=_("Hours slept the night before (optional)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(24),
        decimal_places=1,
    )
    medication = forms.ChoiceField(
        label=_("Medication taken as prescribed?"),
        choices=[("", _("Not said")), *Medication.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=LONGEST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day before."))
        return day


class EventForm(forms.Form):
    prefix = "event"
    day = SaneDateField(  # 1900–2100, as every date Rapport takes
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=LONGEST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say in a few words what happened.")},
    )


class TargetsForm(forms.Form):
    """Staff only (English): which activities the diary asks, and their target times."""

    def __init__(self, current: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = list(Activity.values)
        for code in self.codes:
            target = current.get(code)
            self.fields[f"on_{code}"] = forms.BooleanField(
                label=str(Activity(code).label), required=False, initial=target is not None
            )
            self.fields[f"time_{code}"] = forms.TimeField(
                label="Target time",
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                initial=clock(target.target_minutes) if target else None,
            )
            self.fields[f"window_{code}"] = forms.IntegerField(
                label="Window (± minutes)",
                min_value=5,
                max_value=180,
                initial=target.window_minutes if target else HIT_WINDOW,
                required=False,
            )
            if code in OWN:
                self.fields[f"own_{code}"] = forms.CharField(
                    label="The client's name for it",
                    required=False,
                    max_length=80,
                    initial=target.own_label if target else "",
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "on": self[f"on_{code}"],
                "time": self[f"time_{code}"],
                "window": self[f"window_{code}"],
                "own": self[f"own_{code}"] if code in OWN else None,
            }
            for code in self.codes
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for code in OWN:
            if cleaned.get(f"on_{code}") and not (cleaned.get(f"own_{code}") or "").strip():
                self.add_error(f"own_{code}", "Name the client's own activity.")
        if not any(cleaned.get(f"on_{code}") for code in self.codes):
            raise forms.ValidationError("Choose at least one activity.")
        return cleaned

    def targets(self) -> list[TargetRow]:
        data = self.cleaned_data
        return [
            TargetRow(
                activity=code,
                minutes=_minutes(data.get(f"time_{code}")),
                window=data.get(f"window_{code}") or HIT_WINDOW,
                own_label=(data.get(f"own_{code}") or "").strip(),
            )
            for code in self.codes
            if data.get(f"on_{code}")
        ]
