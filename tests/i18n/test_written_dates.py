"""Dates in the reader's language: Spanish joins day, month and year with "de"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from rapport.core.dates import written

MOMENT = dt.datetime(2026, 12, 1, 14, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fmt", "english", "spanish"),
    [
        ("j F Y", "1 December 2026", "1 de diciembre de 2026"),
        ("l j F Y", "Tuesday 1 December 2026", "martes, 1 de diciembre de 2026"),
        ("j F", "1 December", "1 de diciembre"),
        ("l j F, H:i", "Tuesday 1 December, 14:30", "martes, 1 de diciembre, 14:30"),
        ("j M Y", "1 Dec 2026", "1 dic 2026"),
        ("Y-m-d", "2026-12-01", "2026-12-01"),
    ],
)
def test_a_date_reads_as_its_language_writes_it(fmt: str, english: str, spanish: str) -> None:
    with translation.override("en"):
        assert written(MOMENT, fmt) == english
    with translation.override("es"):
        assert written(MOMENT, fmt) == spanish


def test_no_date_is_no_text() -> None:
    assert written(None, "j F Y") == ""


def test_the_filter_shows_the_day_on_the_reader_s_clock_like_date_does() -> None:
    """03:30 UTC on 1 December is still 30 November in New York."""
    late = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)
    page = Template(
        '{% load tz dates %}{% timezone "America/New_York" %}'
        '{{ at|written:"j F Y" }}|{{ at|date:"j F Y" }}{% endtimezone %}'
    )
    with translation.override("es"):
        assert page.render(Context({"at": late})) == "30 de noviembre de 2026|30 noviembre 2026"


def test_far_past_and_far_future_days_are_written_too() -> None:
    with translation.override("es"):
        assert written(dt.date(1901, 1, 1), "j F Y") == "1 de enero de 1901"
        assert written(dt.date(2199, 7, 31), "l j F Y") == "miércoles, 31 de julio de 2199"
