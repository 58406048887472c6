"""The clinic settings page's group for the risk-phrase list (issue 11 items 5 and 8).

Words from this list in a client's practice entry or secure message show the
client crisis resources at once and raise a safety alert (safety.md §5.1,
"free-text crisis keywords in patient messages" [GK]). The starting list is
risk_phrases.DEFAULT, a conservative one the clinic should review.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.measures import risk_phrases
from rapport.measures.clinic_settings import _row as settings_row  # read once a request
from rapport.measures.models import MeasuresSettings


class RiskPhrasesForm(AuditedSettingsForm):
    risk_phrases = forms.CharField(
        label=gettext_lazy("Risk phrases, one a line"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=gettext_lazy(
            "Case does not matter; a phrase matches whole words only. Keep the list short and "
            "plain: every match raises a safety alert."
        ),
    )

    def clean_risk_phrases(self) -> list[str]:
        phrases = risk_phrases.clean_list(self.cleaned_data["risk_phrases"])
        if not phrases:
            raise forms.ValidationError(
                _("Keep at least one phrase: an empty list would let every message through.")
            )
        if len(phrases) > risk_phrases.MOST:
            raise forms.ValidationError(
                _("List at most %(most)d phrases.") % {"most": risk_phrases.MOST}
            )
        if any(len(phrase) > risk_phrases.LONGEST for phrase in phrases):
            raise forms.ValidationError(
                _("Keep each phrase under %(n)d characters.") % {"n": risk_phrases.LONGEST}
            )
        return phrases

    def shown(self, name: str, value: Any) -> str:
        if isinstance(value, list):
            return f"{len(value)} phrases"  # the audit names the count, not a diff of words
        if isinstance(value, str):
            return f"{len(risk_phrases.clean_list(value))} phrases"
        return super().shown(name, value)

    def changes(self) -> list[str]:
        old = self.initial.get("risk_phrases", "")
        new = self.cleaned_data.get("risk_phrases")
        if risk_phrases.clean_list(old) == new:
            return []
        return [f"risk_phrases: {self.shown('', old)} → {self.shown('', new)}"]


def _group(request: HttpRequest, data: Any) -> dict[str, Any]:
    row = settings_row(request)
    phrases = list(row.risk_phrases or [])
    form = RiskPhrasesForm(data, initial={"risk_phrases": "\n".join(phrases)}, prefix="risk")
    effects = [
        _(
            "%(n)d phrases. When a client's practice entry or secure message contains one, "
            "the client sees the crisis numbers at once and the therapist gets a safety alert."
        )
        % {"n": len(phrases)},
        _(
            "The starting list is short and conservative: review it with your clinical lead, "
            "in every language your clients write in."
        ),
    ]
    return {"form": form, "effects": effects}


def _save(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    changes = form.changes()
    row, _created = MeasuresSettings.objects.update_or_create(
        clinic=request.user.clinic, defaults={"risk_phrases": form.cleaned_data["risk_phrases"]}
    )
    return record_changes(request, "measures.settings.updated", row, changes)


settings_section(SettingsSection("risk_phrases", gettext_lazy("Risk phrases"), 45, _group, _save))
