"""The "Letters" group of the clinic settings page: each letter's wording, and attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.reports.letters import BUILT_IN, PLACEHOLDERS
from rapport.reports.models import LetterKind, LetterSettings, LetterTemplate


class LettersForm(AuditedSettingsForm):
    send_as_attachment = forms.BooleanField(
        label=gettext_lazy("Send letters as e-mail attachments"),
        required=False,
        help_text=gettext_lazy(
            "Off: the recipient gets a secure link that works for 14 days. Turn on only if "
            "your mail is encrypted in transit to the recipients you write to."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        for kind in LetterKind:
            self.fields[kind.value] = forms.CharField(
                label=kind.label,
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=20000,
                help_text=_("Placeholders: %(names)s.") % {"names": names},
            )

    def shown(self, name: str, value: Any) -> str:
        if name in LetterKind.values:
            return _("changed") if value != self.initial.get(name) else _("unchanged")
        return super().shown(name, value)

    def changes(self) -> list[str]:
        found = []
        for name in self.fields:
            if name in LetterKind.values:
                if self.cleaned_data.get(name) != self.initial.get(name):
                    found.append(f"{name}: wording changed")
            elif self.shown(name, self.initial.get(name)) != self.shown(
                name, self.cleaned_data.get(name)
            ):
                found.append(
                    f"{name}: {self.shown(name, self.initial.get(name))} → "
                    f"{self.shown(name, self.cleaned_data.get(name))}"
                )
        return found


def _build(request: HttpRequest, data: Any) -> dict[str, Any]:
    clinic = request.user.clinic
    saved = dict(LetterTemplate.objects.filter(clinic=clinic).values_list("kind", "body"))
    attach = LetterSettings.objects.filter(clinic=clinic, send_as_attachment=True).exists()
    initial = {kind: saved.get(kind) or BUILT_IN[kind] for kind in LetterKind.values}
    initial["send_as_attachment"] = attach
    own = [str(LetterKind(kind).label) for kind in saved]
    effects = [
        _("Letters go as attachments.")
        if attach
        else _("Letters go as a secure link that works for 14 days, never as attachments."),
        _("Your own wording: %(kinds)s.") % {"kinds": ", ".join(own)}
        if own
        else _("Every letter uses the built-in wording."),
    ]
    form = LettersForm(data, initial=initial, prefix="letters")
    return {"form": form, "effects": effects}


def _save(request: HttpRequest, context: dict[str, Any]) -> str:
    form, clinic = context["form"], request.user.clinic
    changes = form.changes()
    for kind in LetterKind.values:
        body = form.cleaned_data[kind]
        if body.strip() == BUILT_IN[kind].strip():
            LetterTemplate.objects.filter(clinic=clinic, kind=kind).delete()
        else:
            LetterTemplate.objects.update_or_create(
                clinic=clinic, kind=kind, defaults={"body": body, "updated_by": request.user}
            )
    row, _created = LetterSettings.objects.update_or_create(
        clinic=clinic, defaults={"send_as_attachment": form.cleaned_data["send_as_attachment"]}
    )
    return record_changes(request, "reports.letters.settings_updated", row, changes, clinic=clinic)


settings_section(
    SettingsSection(
        key="letters", title=gettext_lazy("Letters"), order=80, build=_build, save=_save
    )
)
