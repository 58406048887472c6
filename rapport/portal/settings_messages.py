"""The clinic settings page's "Client portal" group: secure messages on or off (issue 11 item 8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.portal.models import PortalSettings


class PortalMessagesForm(AuditedSettingsForm):
    messages_enabled = forms.BooleanField(
        label=gettext_lazy("Clients may send secure messages to their therapist in the portal"),
        required=False,
        help_text=gettext_lazy(
            "Off by default. Turn it on only if therapists will read messages within the "
            "time your clinic promises; every message page tells clients it is not monitored "
            "around the clock and shows the crisis numbers."
        ),
    )


def _group(request: HttpRequest, data: Any) -> dict[str, Any]:
    row = PortalSettings.of(request.user.clinic)
    form = PortalMessagesForm(
        data, initial={"messages_enabled": row.messages_enabled}, prefix="portal"
    )
    effects = [
        _("Clients can send secure messages to their therapist.")
        if row.messages_enabled
        else _("Secure messages are off: clients see no Messages page.")
    ]
    return {"form": form, "effects": effects}


def _save(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    changes = form.changes()
    row, _created = PortalSettings.objects.update_or_create(
        clinic=request.user.clinic,
        defaults={"messages_enabled": form.cleaned_data["messages_enabled"]},
    )
    return record_changes(request, "portal.settings.updated", row, changes)


settings_section(
    SettingsSection("portal_messages", gettext_lazy("Client portal messages"), 65, _group, _save)
)
