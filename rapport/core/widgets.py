"""Widgets shared by every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms


class RadioSelect(forms.RadioSelect):
    """Radios with no blank "---------" choice when an answer is required.

    A model field with choices gives its form field a blank first choice, and a
    radio group then shows it, checked, as a real answer. A select needs the
    blank (nothing chosen yet); radios do not: none is checked until someone picks.
    """

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list:
        groups = super().optgroups(name, value, attrs)
        if not self.is_required:
            return groups
        kept = []
        for group_name, options, index in groups:
            options = [option for option in options if option["value"] not in ("", None)]
            if options:
                kept.append((group_name, options, index))
        return kept
