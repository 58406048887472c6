"""Choosing a time zone: searchable, the clinic's and the common zones first, real names only."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms

from rapport.core.forms import ClinicSettingsForm
from rapport.core.zones import TimeZoneField, ordered_zones


class _Form(forms.Form):
    zone = TimeZoneField(first="Europe/Berlin")


def test_it_puts_the_clinic_s_zone_then_the_common_ones_first() -> None:
    zones = ordered_zones("Asia/Tokyo")
    assert zones[0] == "Asia/Tokyo"
    assert zones[1:4] == ["America/New_York", "America/Chicago", "America/Denver"]
    assert len(zones) == len(set(zones)) > 400  # every zone, once


def test_it_offers_a_searchable_text_box_instead_of_a_600_line_select() -> None:
    html = str(_Form()["zone"])
    assert '<input type="text" name="zone"' in html
    assert 'list="id_zone-zones"' in html
    assert '<datalist id="id_zone-zones"><option value="Europe/Berlin"></option>' in html
    assert "<select" not in html


def test_it_accepts_a_real_zone_and_refuses_anything_else() -> None:
    assert _Form(data={"zone": " Europe/Paris "}).is_valid()
    form = _Form(data={"zone": "Berlin"})
    assert not form.is_valid()
    assert form.errors["zone"] == ["Choose a time zone from the list, for example Europe/London."]


def test_the_clinic_settings_lead_with_the_clinic_s_zone(cast: SimpleNamespace) -> None:
    cast.clinic.time_zone = "Europe/Dublin"
    html = str(ClinicSettingsForm(instance=cast.clinic)["time_zone"])
    assert '<option value="Europe/Dublin"></option><option value="America/New_York">' in html
    assert 'value="Europe/Dublin"' in html.split("<datalist")[0]
