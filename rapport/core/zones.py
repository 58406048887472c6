"""Choosing a time zone: a searchable text box over ~600 IANA names, the likely ones first.

A <select> of every zone is a 600-line scroll. A text input with a <datalist>
lets people type "Berl" and pick "Europe/Berlin" in every browser, without
JavaScript; the server accepts only real IANA names. The list starts with the
clinic's own zone and the common ones, then the rest alphabetically.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


@cache
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def ordered_zones(first: str | None = None) -> list[str]:
    """Every IANA zone: ``first`` (the clinic's), the common ones, then the rest."""
    known = set(_all_zones())
    lead = [zone for zone in dict.fromkeys([first or "", *COMMON_ZONES]) if zone in known]
    return lead + [zone for zone in _all_zones() if zone not in lead]


class ZoneInput(forms.TextInput):
    """A text box with a <datalist> of zones: type to search, no JavaScript needed."""

    template_name = "core/widgets/zone_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.first: str | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id', name)}-zones"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["zones"] = ordered_zones(self.first)
        return context


class TimeZoneField(forms.CharField):
    """An IANA zone name, typed or picked from the suggestions."""

    widget = ZoneInput
    default_error_messages = {
        "unknown": _("Choose a time zone from the list, for example Europe/London."),
    }

    def __init__(self, *, first: str | None = None, **kwargs: Any) -> None:
        super().__init__(max_length=64, **kwargs)
        self.widget.first = first

    def clean(self, value: Any) -> str:
        zone = super().clean(value).strip()
        if zone and zone not in _all_zones():
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return zone


def in_zone(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``moment`` on ``zone``'s clock; in UTC where that clock would leave the calendar.

    (1 January of year 1 at 03:00 UTC is still 31 December of year 0 in New York.)
    """
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment.astimezone(dt.UTC)


def zone_label(moment: dt.datetime) -> str:
    """The zone's short name at ``moment``: "EST", "EDT", "GMT"; "UTC+05:45" where it has none.

    Where the zone has no letters for itself (many do not: "+03"), the offset is
    spelled out, so "+03" never reads as a number.
    """
    name = moment.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    return f"UTC{sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "")
