"""Forms of the termination phase: the maintenance plan and closing (§1.7, §4.4).

Each checklist task is a forms.initial.TaskForm, saved on its own as in the initial phase.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.clients.forms import VersionedForm
from rapport.core.widgets import RadioSelect
from rapport.ipt.models import Episode, MaintenancePlan

# §4.4: monthly maintenance; twelve sessions is a year, the therapist changes it.
DEFAULT_MAINTENANCE_SESSIONS = 12
ONGOING_DECISIONS = {MaintenancePlan.Decision.MAINTENANCE, MaintenancePlan.Decision.CONTINUATION}


class MaintenancePlanForm(VersionedForm):
    """§1.7 what the client takes away, and §4.3–§4.4 what follows this course."""

    class Meta:
        model = MaintenancePlan
        fields = [
            "gains",
            "warning_signs",
            "coping_strategies",
            "supports",
            "remaining_goals",
            "decision",
            "frequency",
            "planned_sessions",
            "referral_detail",
        ]
        widgets = {
            "gains": forms.Textarea(attrs={"rows": 4}),
            "warning_signs": forms.Textarea(attrs={"rows": 3}),
            "coping_strategies": forms.Textarea(attrs={"rows": 3}),
            "supports": forms.Textarea(attrs={"rows": 3}),
            "remaining_goals": forms.Textarea(attrs={"rows": 3}),
            "decision": RadioSelect,
            "referral_detail": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "gains": _(
                "What has changed, and why the client thinks they feel better: credit their "
                "own work."
            ),
            "warning_signs": _("The first signs that depression may be returning."),
            "coping_strategies": _("What the client can do when the signs appear."),
            "supports": _("Who the client can turn to, and how to reach them."),
            "remaining_goals": _("What is left to work on without the therapist."),
            "frequency": _("Maintenance sessions are usually monthly."),
            "planned_sessions": _("For example 12 monthly sessions: a year of maintenance."),
            "referral_detail": _("The service or treatment, and what was arranged."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gains"].required = True
        self.fields["warning_signs"].required = True
        frequencies = MaintenancePlan._meta.get_field("frequency").choices
        self.fields["frequency"].choices = [("", _("Choose…")), *frequencies]
        if not self.instance.pk:
            self.initial["planned_sessions"] = DEFAULT_MAINTENANCE_SESSIONS
        self.fields["planned_sessions"].widget.attrs.update(min=1, max=60)

    def clean_planned_sessions(self) -> int | None:
        value = self.cleaned_data["planned_sessions"]
        if value is not None and not 1 <= value <= 60:
            raise forms.ValidationError(_("Plan between 1 and 60 sessions."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if (
            decision == MaintenancePlan.Decision.REFERRAL
            and not data.get("referral_detail", "").strip()
        ):
            self.add_error(
                "referral_detail", _("Say where the client is referred, or choose another plan.")
            )
        if decision in ONGOING_DECISIONS:
            if not data.get("frequency"):
                self.add_error("frequency", _("Choose how often the sessions will be."))
            if not data.get("planned_sessions") and "planned_sessions" not in self.errors:
                self.add_error("planned_sessions", _("Say how many sessions are planned."))
        return data

    def clean_values(self) -> dict[str, Any]:
        """What to store: sessions and frequency only for an ongoing plan, as chosen."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if data["decision"] not in ONGOING_DECISIONS:
            data.update(frequency="", planned_sessions=None)
        if data["decision"] != MaintenancePlan.Decision.REFERRAL:
            data["referral_detail"] = ""
        return data


class EpisodeCloseForm(forms.Form):
    """§1.7: how the course ended. The rules on what each reason needs live in clean()."""

    reason = forms.ChoiceField(
        label=_("Why is the episode ending?"),
        choices=Episode.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required unless the course was completed: what happened and what was done."),
    )
    start_maintenance = forms.BooleanField(
        label=_("Start the maintenance episode now"),
        required=False,
        help_text=_("Opens a new maintenance episode for this client as soon as this one closes."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, missing: list[str], offers_maintenance: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.missing = missing
        if not offers_maintenance:
            del self.fields["start_maintenance"]
        else:
            self.fields["start_maintenance"].initial = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reason = data.get("reason")
        if reason == Episode.CloseReason.COMPLETED and self.missing:
            raise forms.ValidationError(
                _("To close as completed, first: %(missing)s.")
                % {"missing": "; ".join(str(item) for item in self.missing)},
                code="incomplete",
            )
        if reason and reason != Episode.CloseReason.COMPLETED and not data.get("note", "").strip():
            self.add_error("note", _("Add a note on why the episode ends early."))
        if data.get("start_maintenance") and reason != Episode.CloseReason.COMPLETED:
            self.add_error(
                "start_maintenance",
                _(
                    "A maintenance episode follows a completed course: untick this or choose "
                    "“completed”."
                ),
            )
        return data
