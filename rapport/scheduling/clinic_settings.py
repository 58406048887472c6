"""The scheduling groups of the clinic settings page: reminders and bookings, closure days.

Registered with core's settings page (``rapport.core.hooks.settings_section``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.core.hooks import SettingsSection, settings_section
from rapport.core.inputs import SaneDateField
from rapport.core.settings_forms import AuditedSettingsForm, record_changes
from rapport.scheduling.booking import scheduling_settings
from rapport.scheduling.models import ClosureDay, SchedulingSettings

MAX_REMINDERS = 3
SHORTEST_LEAD, LONGEST_LEAD = 15, 14 * 24 * 60  # minutes
_LEAD = re.compile(r"^(\d{1,5})\s*(h|hours?|m|min|mins|minutes?)?$", re.IGNORECASE)
CLOSURES_PER_PAGE = 10


def lead_words(minutes: int) -> str:
    """48 hours, 2 hours, 30 minutes, 1 hour 30 minutes."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def _lead_text(minutes: int) -> str:
    """How a lead time is typed in the form: "48 h", "90 min"."""
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def _joined(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return _("%(most)s and %(last)s") % {"most": ", ".join(words[:-1]), "last": words[-1]}


class SchedulingForm(AuditedSettingsForm):
    reminder_leads = forms.CharField(
        label=gettext_lazy("Send reminders this long before each appointment"),
        required=False,
        max_length=60,
        help_text=gettext_lazy(
            "Up to three times, separated by commas, in hours (“48 h”) or minutes (“30 min”). "
            "Leave empty to send no reminders."
        ),
    )
    late_cancellation_hours = forms.IntegerField(
        label=gettext_lazy("A cancellation is late when made less than this many hours before"),
        min_value=0,
        max_value=168,
        help_text=gettext_lazy("0 to 168 hours (a week). 0: no cancellation counts as late."),
    )
    public_slot_picking = forms.BooleanField(
        label=gettext_lazy("Let people pick a consultation time on the public request form"),
        required=False,
    )
    hold_hours = forms.IntegerField(
        label=gettext_lazy("Hold a picked time for the coordinator to confirm (hours)"),
        min_value=1,
        max_value=168,
        help_text=gettext_lazy("1 to 168 hours. After that the time is offered to others again."),
    )

    def clean_reminder_leads(self) -> list[int]:
        leads = []
        for part in filter(
            None, (p.strip() for p in self.cleaned_data["reminder_leads"].split(","))
        ):
            found = _LEAD.match(part)
            if not found:
                raise forms.ValidationError(
                    _("“%(part)s” is not a time: write it as “48 h” or “30 min”.") % {"part": part}
                )
            number, unit = int(found.group(1)), (found.group(2) or "h").lower()
            minutes = number if unit.startswith("m") else number * 60
            if not SHORTEST_LEAD <= minutes <= LONGEST_LEAD:
                raise forms.ValidationError(
                    _("A reminder goes 15 minutes to 14 days before: “%(part)s” is outside that.")
                    % {"part": part}
                )
            leads.append(minutes)
        if len(set(leads)) != len(leads):
            raise forms.ValidationError(_("Each reminder time once only."))
        if len(leads) > MAX_REMINDERS:
            raise forms.ValidationError(_("At most three reminders per appointment."))
        return sorted(leads, reverse=True)

    def shown(self, name: str, value: Any) -> str:
        if name == "reminder_leads" and isinstance(value, list):
            return ", ".join(_lead_text(lead) for lead in value) or "none"
        return super().shown(name, value)


def _scheduling_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    rules = scheduling_settings(request.user.clinic)
    leads = sorted(rules.reminder_lead_minutes or [], reverse=True)
    initial = {
        "reminder_leads": leads,
        "late_cancellation_hours": rules.late_cancellation_hours,
        "public_slot_picking": rules.public_slot_picking,
        "hold_hours": max(1, round(rules.hold_minutes / 60)),
    }
    form = SchedulingForm(data, initial=initial, prefix="scheduling")
    if data is None:  # the list shows as the person types it
        form.initial = {**initial, "reminder_leads": ", ".join(_lead_text(m) for m in leads)}
    return {"form": form, "rules": rules, "effects": _scheduling_effects(rules, leads)}


def _scheduling_effects(rules: SchedulingSettings, leads: list[int]) -> list[str]:
    if leads:
        reminders = _(
            "Clients get reminders %(leads)s before each appointment. A change applies to "
            "appointments booked from now on."
        ) % {"leads": _joined([lead_words(lead) for lead in leads])}
    else:
        reminders = _("Clients get no reminders before their appointments.")
    if rules.late_cancellation_hours:
        late = _(
            "A cancellation less than %(hours)d hours before the appointment is recorded as late."
        ) % {"hours": rules.late_cancellation_hours}
    else:
        late = _("No cancellation is recorded as late.")
    if rules.public_slot_picking:
        picking = _(
            "People requesting a consultation on the public site pick a time; it is held for "
            "%(hold)s until a coordinator confirms it."
        ) % {"hold": lead_words(rules.hold_minutes)}
    else:
        picking = _(
            "The public request form offers no times: a coordinator books each consultation."
        )
    return [reminders, late, picking]


def _save_scheduling(request: HttpRequest, context: dict[str, Any]) -> str:
    form: SchedulingForm = context["form"]
    changes = form.changes()
    data = form.cleaned_data
    hold = data["hold_hours"] * 60
    if data["hold_hours"] == form.initial["hold_hours"]:
        hold = context["rules"].hold_minutes  # untouched: keep a value that is not whole hours
    rules, _created = SchedulingSettings.objects.update_or_create(
        clinic=request.user.clinic,
        defaults={
            "reminder_lead_minutes": data["reminder_leads"],
            "late_cancellation_hours": data["late_cancellation_hours"],
            "public_slot_picking": data["public_slot_picking"],
            "hold_minutes": hold,
        },
    )
    return record_changes(request, "scheduling.settings.updated", rules, changes)


# --- Closure days ----------------------------------------------------------------


class ClosureDayForm(AuditedSettingsForm):
    day = SaneDateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("For example: New Year's Day"),
    )

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        taken = ClosureDay.objects.filter(clinic=self.clinic, day=day).first()
        if taken is not None:
            raise forms.ValidationError(
                _("The clinic is already closed that day (%(name)s).") % {"name": taken.name}
            )
        return day


class ClosureRemoveForm(AuditedSettingsForm):
    remove = SaneDateField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_remove(self) -> ClosureDay:
        found = ClosureDay.objects.filter(clinic=self.clinic, day=self.cleaned_data["remove"])
        closure = found.first()
        if closure is None:
            raise forms.ValidationError(_("That closure day was already removed."))
        return closure


def _closures_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    clinic = request.user.clinic
    if data is not None and "closures-remove" in data:
        form: forms.Form = ClosureRemoveForm(data, clinic=clinic, prefix="closures")
    else:
        form = ClosureDayForm(data, clinic=clinic, prefix="closures")
    today = timezone.localdate(timezone=clinic.zone)
    rows = ClosureDay.objects.filter(clinic=clinic).annotate(
        past=Case(When(day__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    # Upcoming days first, soonest first; then past days, most recent first.
    ordered = rows.order_by("past", Case(When(day__lt=today, then=None), default="day"), "-day")
    page = Paginator(ordered, CLOSURES_PER_PAGE).get_page(request.GET.get("closures_page"))
    adding = (
        form
        if isinstance(form, ClosureDayForm)
        else ClosureDayForm(clinic=clinic, prefix="closures")
    )
    return {
        "form": form,
        "add_form": adding,
        "page": page,
        "today": today,
        "effects": _closure_effects(clinic, today),
    }


def _closure_effects(clinic: Any, today: dt.date) -> list[str]:
    upcoming = ClosureDay.objects.filter(clinic=clinic, day__gte=today)
    nearest = upcoming.order_by("day").first()
    if nearest is None:
        return [_("No closure days ahead: every working day can be booked.")]
    count = upcoming.count()
    first = ngettext(
        "The clinic is closed on %(n)d day ahead: %(day)s (%(name)s).",
        "The clinic is closed on %(n)d days ahead; the next is %(day)s (%(name)s).",
        count,
    ) % {"n": count, "day": date_format(nearest.day, "DATE_FORMAT"), "name": nearest.name}
    return [
        first,
        _("No times are offered on closure days, and booking a course across one warns."),
    ]


def _save_closures(request: HttpRequest, context: dict[str, Any]) -> str:
    form = context["form"]
    clinic = request.user.clinic
    if isinstance(form, ClosureRemoveForm):
        closure = form.cleaned_data["remove"]
        change = f"closure_day: {closure.day.isoformat()} {closure.name} → —"
        closure.delete()
        record_changes(request, "scheduling.closure.removed", clinic, [change])
        return _("%(name)s on %(day)s removed.") % {
            "name": closure.name,
            "day": date_format(closure.day, "DATE_FORMAT"),
        }
    closure = ClosureDay.objects.create(clinic=clinic, **form.cleaned_data)
    change = f"closure_day: — → {closure.day.isoformat()} {closure.name}"
    record_changes(request, "scheduling.closure.added", clinic, [change])
    return _("%(name)s on %(day)s added.") % {
        "name": closure.name,
        "day": date_format(closure.day, "DATE_FORMAT"),
    }


settings_section(
    SettingsSection(
        key="scheduling",
        title=gettext_lazy("Scheduling and reminders"),
        order=20,
        build=_scheduling_group,
        save=_save_scheduling,
    )
)
settings_section(
    SettingsSection(
        key="closures",
        title=gettext_lazy("Closure days"),
        order=60,
        build=_closures_group,
        save=_save_closures,
        template="scheduling/settings/closures.html",
    )
)
