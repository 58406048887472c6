"""Input that never reaches a 500: dates within a sane range, no NUL characters.

Python's dates end at 0001-01-01 and 9999-12-31, so arithmetic near either end
(the next day, a week's Monday, a UTC conversion) raises ``OverflowError``.
No clinical date lies outside 1900–2100, so every form date and every date in
a query string is held to that range here, in one place, with a clear message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
OUT_OF_RANGE = gettext_lazy("Enter a date between 1900 and 2100.")


def in_sane_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def _out_of_range() -> ValidationError:
    return ValidationError(OUT_OF_RANGE, code="out_of_range")


class SaneDateField(forms.DateField):
    """A date between 1900-01-01 and 2100-12-31; the browser's picker is told so too."""

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        if day is not None and not in_sane_range(day):
            raise _out_of_range()
        return day

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":  # Input pops "type" from attrs
            attrs |= {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
        return attrs


class SaneDateTimeField(forms.DateTimeField):
    """A date and time whose local date lies between 1900 and 2100."""

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is not None and not in_sane_range(moment.date()):
            raise _out_of_range()
        return moment

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "datetime-local":
            attrs |= {"min": f"{EARLIEST.isoformat()}T00:00", "max": f"{LATEST.isoformat()}T23:59"}
        return attrs


def sane_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``Meta.formfield_callback`` of every ModelForm with a date: sane date fields."""
    if isinstance(field, models.DateTimeField):
        kwargs.setdefault("form_class", SaneDateTimeField)
    elif isinstance(field, models.DateField):
        kwargs.setdefault("form_class", SaneDateField)
    return field.formfield(**kwargs)


def parse_query_date(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    """The ISO date in ``?name=``, else ``default``; a bad one says why on the page."""
    value = request.GET.get(name, "")
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        messages.warning(request, _("“%(name)s” is not a date: showing today.") % {"name": name})
        return default
    if not in_sane_range(day):
        messages.warning(request, _("Enter a date between 1900 and 2100: showing today."))
        return default
    return day


def parse_query_int(request: HttpRequest, name: str) -> int | None:
    """A non-negative whole number in ``?name=`` (ASCII digits only: "²".isdigit() is true)."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


class RejectNulMiddleware:
    """A NUL character is in no legitimate input, and PostgreSQL text refuses it.

    Form fields already refuse it; this answers 400 for query strings, paths and
    every other value before any view can pass one to the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or _has_nul(request.GET) or _posted_nul(request):
            return render(
                request,
                "400.html",
                {"reason": _("The request contained a null character, which no field accepts.")},
                status=400,
            )
        return self.get_response(request)


def _posted_nul(request: HttpRequest) -> bool:
    return request.method == "POST" and _has_nul(request.POST)
