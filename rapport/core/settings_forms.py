"""What every group of the clinic settings page shares: changes audited as old → new.

Settings are configuration, never clinical content, so the audit event names the
field and both values ("late_cancellation_hours: 24 → 12"): a reviewer sees what
changed without opening a backup.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rapport.core import audit


class AuditedSettingsForm(forms.Form):
    """A settings form whose ``initial`` holds the saved values; ``changes()`` says what moved."""

    def shown(self, name: str, value: Any) -> str:
        """How a value reads in the audit log (override for lists, choices, units)."""
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "on" if value else "off"
        if hasattr(value, "strftime") and not hasattr(value, "year"):  # a time of day
            return value.strftime("%H:%M")
        return str(value)

    def changes(self) -> list[str]:
        """``field: old → new`` for every field whose cleaned value differs from the saved one."""
        found = []
        for name in self.fields:
            old, new = self.initial.get(name), self.cleaned_data.get(name)
            if self.shown(name, old) != self.shown(name, new):
                found.append(f"{name}: {self.shown(name, old)} → {self.shown(name, new)}")
        return found


def record_changes(
    request: HttpRequest, action: str, obj: Any, changes: list[str], *, clinic: Any = None
) -> str:
    """Audit a settings change and return the message the page shows."""
    if not changes:
        return _("Nothing changed.")
    audit.record(request, action, obj, fields=changes, clinic=clinic)
    return _("Saved.")
