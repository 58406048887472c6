"""Times of day in the reader's zone, with the zone named, as valid HTML ``<time>`` elements."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.template import Context, Template
from django.utils import timezone

from rapport.core.templatetags.zoned import local_time, machine_time
from rapport.core.zones import zone_label

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# What the HTML standard accepts as a global date and time, to the second.
VALID_DATETIME = re.compile(r'datetime="\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')


def _render(source: str, zone: str = "America/New_York", **context: object) -> str:
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        return Template("{% load zoned %}" + source).render(Context(context))


def test_it_shows_the_time_in_the_reader_s_zone_and_names_the_zone() -> None:
    winter = datetime(2026, 12, 1, 19, 30, 5, 123456, tzinfo=UTC)
    assert _render("{{ at|local_time }}", at=winter) == (
        '<time datetime="2026-12-01T19:30:05Z">14:30 EST</time>'
    )
    assert _render('{{ at|local_time:"Y-m-d H:i" }}', zone="Europe/Berlin", at=winter) == (
        '<time datetime="2026-12-01T19:30:05Z">2026-12-01 20:30 CET</time>'
    )


def test_it_names_summer_time_and_winter_time_across_a_dst_change() -> None:
    # New York falls back at 06:00 UTC on 1 November 2026: 01:30 happens twice.
    before, after = (
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    )
    assert "01:30 EDT" in _render("{{ at|local_time }}", at=before)
    assert "01:30 EST" in _render("{{ at|local_time }}", at=after)


def test_a_range_names_the_zone_once_and_twice_when_it_spans_the_change() -> None:
    start = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    html = _render('{% time_range a b "D j M Y, H:i" %}', a=start, b=start + timedelta(minutes=50))
    assert ">Tue 1 Dec 2026, 14:30</time>–<time" in html
    assert ">15:20 EST</time>" in html
    across = _render(
        "{% time_range a b %}",
        a=datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        b=datetime(2026, 11, 1, 6, 20, tzinfo=UTC),
    )
    assert ">01:30 EDT</time>–<time" in across
    assert ">01:20 EST</time>" in across


def test_a_range_past_midnight_gives_the_end_its_day() -> None:
    start = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # 23:30 on 1 December in New York
    assert ">2 Dec 00:30 EST</time>" in _render(
        "{% time_range a b %}", a=start, b=start + timedelta(hours=1)
    )


def test_far_past_and_far_future_times_render_with_a_valid_datetime() -> None:
    moments = [
        datetime(1, 1, 1, 3, 0, tzinfo=UTC),  # New York's clock would be in year 0
        datetime(1850, 1, 1, 12, 0, tzinfo=UTC),  # local mean time, offset in seconds
        datetime(2100, 7, 1, 16, 0, tzinfo=UTC),  # past the zone tables: the rule goes on
        datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
    ]
    for moment in moments:
        html = _render("{{ at|local_time }}", at=moment)
        assert VALID_DATETIME.search(html), html
    assert (
        _render("{{ at|local_time }}", at=moments[0])
        == '<time datetime="0001-01-01T03:00:00Z">03:00 UTC</time>'
    )
    assert ">07:03 LMT</time>" in _render("{{ at|local_time }}", at=moments[1])
    assert ">12:00 EDT</time>" in _render("{{ at|local_time }}", at=moments[2])
    assert ">18:00 EST</time>" in _render("{{ at|local_time }}", at=moments[3])
    # Tokyo's clock would pass the year 9999: shown in UTC, named so.
    assert ">23:00 UTC</time>" in _render("{{ at|local_time }}", zone="Asia/Tokyo", at=moments[3])


def test_zones_without_letters_get_their_offset_spelled_out() -> None:
    at = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    assert ">01:15 UTC+05:45</time>" in _render("{{ at|local_time }}", zone="Asia/Kathmandu", at=at)
    assert ">16:30 UTC-03</time>" in _render("{{ at|local_time }}", zone="America/Sao_Paulo", at=at)
    assert zone_label(at) == "UTC"


def test_nothing_is_shown_for_a_missing_time() -> None:
    assert local_time(None) == ""
    assert _render('{{ at|local_time|default:"—" }}', at=None) == "—"
    assert _render("{% time_range a b %}", a=None, b=None) == ""


def test_a_naive_time_is_taken_as_already_on_the_reader_s_clock() -> None:
    assert ">09:00 EST</time>" in _render("{{ at|local_time }}", at=datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001


def test_inside_a_translated_sentence_the_markup_is_not_escaped() -> None:
    html = _render(
        "{% load i18n %}"
        '{% blocktranslate with when=at|local_time:"Y-m-d H:i" %}Signed on {{ when }}.'
        "{% endblocktranslate %}",
        at=datetime(2026, 12, 1, 19, 30, tzinfo=UTC),
    )
    assert html == 'Signed on <time datetime="2026-12-01T19:30:00Z">2026-12-01 14:30 EST</time>.'


def test_the_page_note_names_the_reader_s_zone() -> None:
    assert _render("{% zone_note %}", zone="Europe/London") == (
        '<p class="hint zone-note">Times in Europe/London.</p>\n'
    )
    assert _render("{% zone_name %}") == "America/New_York"


def test_the_machine_time_drops_fractions_and_offsets() -> None:
    assert (
        machine_time(datetime(2026, 3, 8, 7, 0, 0, 999999, tzinfo=NEW_YORK))
        == "2026-03-08T11:00:00Z"
    )  # EDT since 02:00
