"""Shared widgets: required radios offer no blank "---------" choice, none checked at first."""

from __future__ import annotations

from types import SimpleNamespace

from rapport.intake.forms import ConsultationRequestForm


def test_it_offers_only_real_answers_in_a_required_radio_group(cast: SimpleNamespace) -> None:
    html = str(ConsultationRequestForm()["preferred_channel"])
    assert "---------" not in html
    assert 'value=""' not in html
    assert "checked" not in html
    assert html.count('type="radio"') == len(ConsultationRequestForm.Meta.model.Channel.choices)


def test_it_keeps_the_answer_given(cast: SimpleNamespace) -> None:
    html = str(ConsultationRequestForm(data={"preferred_channel": "phone"})["preferred_channel"])
    checked = [line for line in html.split("<input") if "checked" in line]
    assert len(checked) == 1
    assert 'value="phone"' in checked[0]
