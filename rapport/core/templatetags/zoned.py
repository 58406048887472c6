"""Times of day in the reader's zone, with the zone named: ``{% load zoned %}``.

Every page that shows a time of day goes through these, so a reader never has to
guess whose clock a time is on (DESIGN: "times shown in the reader's zone, with the
zone named"). The reader's zone is the active one: the user's or their clinic's
(TimeZoneMiddleware), the recipient's inside an e-mail's ``{% timezone %}``.

    {{ note.signed_at|local_time }}                   14:30 EST
    {{ note.signed_at|local_time:"Y-m-d H:i" }}       2026-12-01 14:30 EST
    {% time_range start end "D j M Y, H:i" %}         Tue 1 Dec 2026, 14:30–15:20 EST
    {% zone_note %}                                   Times in America/New_York.  (dense grids)

Each time is a ``<time>`` element whose ``datetime`` is UTC to the second, which is
valid HTML (no fraction digits, no offsets in seconds as before 1883).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rapport.core.dates import in_reader_language
from rapport.core.zones import in_zone, zone_label

register = template.Library()

TIME_OF_DAY = "H:i"
_OTHER_DAY = "j M H:i"  # the end of a range that runs past midnight


def machine_time(moment: dt.datetime) -> str:
    """A valid HTML global date and time: UTC, whole seconds, four-digit year."""
    u = moment.astimezone(dt.UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def _reader_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` on the reader's clock; a naive value is taken as already on it."""
    zone = timezone.get_current_timezone()
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zone)
    return in_zone(moment, zone)


def _time_element(moment: dt.datetime, text: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', machine_time(moment), text)


@register.filter(is_safe=True)
def local_time(moment: dt.datetime | None, fmt: str = TIME_OF_DAY) -> str:
    """``moment`` as ``<time>`` in the reader's zone, formatted by ``fmt``, with the zone named.

    ``fmt`` is a Django date format ("H:i" by default); the zone's abbreviation
    for that very date follows it, so a list spanning a DST change reads right.
    """
    if not isinstance(moment, dt.datetime):
        return ""
    local = _reader_time(moment)
    text = date_format(local, in_reader_language(fmt))
    return _time_element(local, f"{text} {zone_label(local)}")


@register.simple_tag
def time_range(start: dt.datetime | None, end: dt.datetime | None, fmt: str = TIME_OF_DAY) -> str:
    """``start``–``end`` in the reader's zone, the zone named once (twice across a DST change).

    ``fmt`` formats the start; the end shows its time of day (with its date when
    it falls on another day).
    """
    if not isinstance(start, dt.datetime):
        return ""
    first = _reader_time(start)
    if not isinstance(end, dt.datetime):
        return local_time(start, fmt)
    last = _reader_time(end)
    start_text = date_format(first, in_reader_language(fmt))
    end_fmt = TIME_OF_DAY if last.date() == first.date() else _OTHER_DAY
    if zone_label(first) != zone_label(last):
        start_text = f"{start_text} {zone_label(first)}"
    return format_html(
        "{}–{}",
        _time_element(first, start_text),
        _time_element(last, f"{date_format(last, end_fmt)} {zone_label(last)}"),
    )


@register.simple_tag
def zone_name() -> str:
    """The reader's zone by its full name, e.g. "America/New_York"."""
    return timezone.get_current_timezone_name()


@register.inclusion_tag("core/zone_note.html")
def zone_note() -> dict[str, str]:
    """A line above a grid or table of bare times: "Times in America/New_York."."""
    return {"zone": timezone.get_current_timezone_name()}


@register.filter
def utc_datetime(moment: dt.datetime | None) -> str:
    """For a ``datetime`` attribute beside a bare time in a grid under ``{% zone_note %}``."""
    return machine_time(moment) if isinstance(moment, dt.datetime) else ""
