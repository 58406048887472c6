"""Words for people, not developers: joined labels, "just now", no rule ids or section marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.template import Context, Template

from rapport.core.templatetags.words import ago, label_colon
from tests.intake.public_helpers import details, submit

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def test_it_adds_a_colon_only_where_the_label_has_no_punctuation() -> None:
    assert label_colon("Your name") == "Your name:"
    assert label_colon("How should we contact you?") == "How should we contact you?"
    assert label_colon("Note:") == "Note:"


def test_it_says_just_now_rather_than_zero_minutes_ago() -> None:
    with time_machine.travel(NOW, tick=False):
        assert ago(NOW - timedelta(seconds=20)) == "just now"
        assert ago(NOW - timedelta(minutes=3)) == "3\xa0minutes ago"
        assert ago(NOW - timedelta(hours=5, minutes=1)) == "5\xa0hours ago"
        assert ago(None) == ""


def test_the_filters_work_in_templates() -> None:
    with time_machine.travel(NOW, tick=False):
        html = Template("{% load words %}{{ when|ago }} · {{ label|label_colon }}").render(
            Context({"when": NOW, "label": "Why?"})
        )
    assert html == "just now · Why?"


def test_the_public_form_error_summary_has_no_double_punctuation(cast: SimpleNamespace) -> None:
    body = submit(details(preferred_channel="")).content.decode()
    assert "How should we contact you? " in body
    assert "you?:" not in body
