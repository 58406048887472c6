"""The measures groups of the clinic settings page: questionnaires, safety escalation, bands.

Registered with core's settings page (``rapport.core.hooks.settings_section``).
Defaults are measures.md's and safety.md's; an empty threshold keeps the catalogue's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.measures import instruments, outcomes
from rapport.measures.instruments.base import Severity
from rapport.measures.models import MeasuresSettings
from rapport.measures.safety import REPEAT, clinic_settings

HRSD = "hrsd17"
# Clinic-adjustable thresholds: (instrument, threshold, highest sensible value).
THRESHOLDS = (("phq9", "caseness", 27), ("phq9", "reliable_change", 27))
THRESHOLDS += (("gad7", "caseness", 21), ("gad7", "reliable_change", 21))
BAND_SET_NAMES = {
    "zimmerman": gettext_lazy("Zimmerman et al. 2013 (none, mild, moderate, severe)"),
    "camcops": gettext_lazy("CamCOPS (none, mild, moderate, severe, very severe)"),
}


def _row(request: HttpRequest) -> MeasuresSettings:
    """The clinic's row, read once per request: three groups show it."""
    if not hasattr(request, "_measures_settings"):
        request._measures_settings = clinic_settings(request.user.clinic)
    return request._measures_settings


def _save_row(request: HttpRequest, form: AuditedSettingsForm, values: dict[str, Any]) -> str:
    changes = form.changes()
    row, _created = MeasuresSettings.objects.update_or_create(
        clinic=request.user.clinic, defaults=values
    )
    return record_changes(request, "measures.settings.updated", row, changes)


# --- Questionnaires --------------------------------------------------------------


class QuestionnaireForm(AuditedSettingsForm):
    invitation_hours_before = forms.IntegerField(
        label=gettext_lazy("Send questionnaires this many hours before each session"),
        min_value=1,
        max_value=168,
        help_text=gettext_lazy("1 to 168 hours (a week)."),
    )
    invitation_valid_hours = forms.IntegerField(
        label=gettext_lazy("Questionnaire links stop working after (hours)"),
        min_value=1,
        max_value=336,
        help_text=gettext_lazy("1 to 336 hours, and at least until the session starts."),
    )
    hrsd_enabled = forms.BooleanField(
        label=gettext_lazy("Therapists rate the HRSD-17 at intake and at termination"),
        required=False,
    )
    portal_score_history = forms.BooleanField(
        label=gettext_lazy("Clients see their own scores over time in the portal"),
        required=False,
        help_text=gettext_lazy(
            "A simple chart with plain-language bands, and a table of the scores."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        before, valid = data.get("invitation_hours_before"), data.get("invitation_valid_hours")
        if before and valid and valid < before:
            self.add_error(
                "invitation_valid_hours",
                _(
                    "A link sent %(before)d hours before the session must work at least "
                    "%(before)d hours, or it expires before the session."
                )
                % {"before": before},
            )
        return data


def _questionnaire_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    row = _row(request)
    names = (
        "invitation_hours_before",
        "invitation_valid_hours",
        "hrsd_enabled",
        "portal_score_history",
    )
    form = QuestionnaireForm(
        data, initial={n: getattr(row, n) for n in names}, prefix="questionnaires"
    )
    effects = [
        _(
            "Clients get their questionnaires by e-mail %(before)d hours before each session; "
            "the link works for %(valid)d hours. A change applies to sessions booked from now on."
        )
        % {"before": row.invitation_hours_before, "valid": row.invitation_valid_hours},
        _("New courses include an HRSD-17 rating at intake and at termination.")
        if row.hrsd_enabled
        else _("New courses include no HRSD-17 rating."),
        _("Clients see their own questionnaire scores in the portal.")
        if row.portal_score_history
        else _("Clients do not see their questionnaire scores in the portal."),
    ]
    return {"form": form, "effects": effects}


def _save_questionnaires(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    return _save_row(request, form, dict(form.cleaned_data))


# --- Safety escalation -------------------------------------------------------------


class SafetyForm(AuditedSettingsForm):
    critical_window_minutes = forms.IntegerField(
        label=gettext_lazy("Escalate an unacknowledged critical alert after (minutes)"),
        min_value=5,
        max_value=240,
        help_text=gettext_lazy("5 to 240 minutes. The recommended window is 60 minutes."),
    )
    business_day_ends = forms.TimeField(
        label=gettext_lazy("Escalate unacknowledged urgent alerts at (clinic time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("The end of the clinic's working day, between 12:00 and 23:00."),
    )

    def clean_business_day_ends(self) -> dt.time:
        ends = self.cleaned_data["business_day_ends"]
        if not dt.time(12) <= ends <= dt.time(23):
            raise forms.ValidationError(_("Choose a time between 12:00 and 23:00."))
        return ends


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _safety_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    clinic = request.user.clinic
    row = _row(request)
    ends = row.business_day_ends
    if isinstance(ends, str):  # the unsaved default
        ends = dt.time.fromisoformat(ends)
    initial = {"critical_window_minutes": row.critical_window_minutes, "business_day_ends": ends}
    form = SafetyForm(data, initial=initial, prefix="safety")
    effects = [
        _(
            "A critical alert no one has acknowledged goes to the therapist's supervisors and "
            "the clinic admins after %(window)d minutes, then again every %(repeat)d minutes."
        )
        % {"window": row.critical_window_minutes, "repeat": _minutes(REPEAT[Severity.CRITICAL])},
        _(
            "An urgent alert no one has acknowledged goes to them at %(time)s (%(zone)s), "
            "then again every %(repeat)d hours."
        )
        % {
            "time": ends.strftime("%H:%M"),
            "zone": clinic.time_zone,
            "repeat": _minutes(REPEAT[Severity.URGENT]) // 60,
        },
    ]
    return {"form": form, "effects": effects}


def _save_safety(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    return _save_row(request, form, dict(form.cleaned_data))


# --- Outcome bands -----------------------------------------------------------------


class BandsForm(AuditedSettingsForm):
    hrsd17_band_set = forms.ChoiceField(
        label=gettext_lazy("HRSD-17 severity bands"),
        choices=list(BAND_SET_NAMES.items()),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Two published conventions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name, highest in THRESHOLDS:
            instrument = instruments.get(code)
            default = getattr(instrument, name)
            label = {
                "caseness": _("%(title)s: a score at or above this counts as a case"),
                "reliable_change": _("%(title)s: a change of this many points is reliable"),
            }[name] % {"title": instrument.short_title}
            self.fields[f"{code}_{name}"] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=highest,
                help_text=_("1 to %(highest)d. The standard is %(default)d.")
                % {"highest": highest, "default": default},
            )


def _bands_initial(row: MeasuresSettings) -> dict[str, Any]:
    hrsd = outcomes.thresholds(instruments.get(HRSD), row)
    initial: dict[str, Any] = {"hrsd17_band_set": hrsd.band_set or _default_band_set()}
    for code, name, _highest in THRESHOLDS:
        initial[f"{code}_{name}"] = getattr(outcomes.thresholds(instruments.get(code), row), name)
    return initial


def _default_band_set() -> str:
    return instruments.get(HRSD).extra["default_band_set"]


def _bands_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    row = _row(request)
    initial = _bands_initial(row)
    form = BandsForm(data, initial=initial, prefix="bands")
    bands = instruments.get(HRSD).extra["band_sets"][initial["hrsd17_band_set"]]
    effects = [
        _("HRSD-17 totals read as: %(bands)s.")
        % {"bands": "; ".join(f"{b.minimum}–{b.maximum} {b.label}" for b in bands)}
    ]
    for code in ("phq9", "gad7"):
        title = instruments.get(code).short_title
        effects.append(
            _(
                "%(title)s: a score of %(case)d or more counts as a case; a change of %(change)d "
                "points or more is a reliable improvement or deterioration."
            )
            % {
                "title": title,
                "case": initial[f"{code}_caseness"],
                "change": initial[f"{code}_reliable_change"],
            }
        )
    return {"form": form, "row": row, "effects": effects}


def _save_bands(request: HttpRequest, context: dict[str, Any]) -> str:
    form, row = context["form"], context["row"]
    data = form.cleaned_data
    thresholds = {code: dict(values) for code, values in (row.thresholds or {}).items()}
    thresholds.setdefault(HRSD, {})["band_set"] = data["hrsd17_band_set"]
    for code, name, _highest in THRESHOLDS:
        value, default = data[f"{code}_{name}"], getattr(instruments.get(code), name)
        mine = thresholds.setdefault(code, {})
        if value == default:
            mine.pop(name, None)  # the catalogue's value: follows the catalogue
        else:
            mine[name] = value
    thresholds = {code: values for code, values in thresholds.items() if values}
    return _save_row(request, form, {"thresholds": thresholds})


for _section in (
    SettingsSection(
        "questionnaires",
        gettext_lazy("Questionnaires"),
        30,
        _questionnaire_group,
        _save_questionnaires,
    ),
    SettingsSection("safety", gettext_lazy("Safety escalation"), 40, _safety_group, _save_safety),
    SettingsSection("bands", gettext_lazy("Outcome bands"), 50, _bands_group, _save_bands),
):
    settings_section(_section)
