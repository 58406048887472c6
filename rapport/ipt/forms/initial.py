"""Forms of the initial phase: checklist tasks, episode settings, formulation and goals."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.core.versioning import VersionedForm
from rapport.ipt import catalogue, variants
from rapport.ipt.models import DisputeStageAssessment, Episode, EpisodeTask, Goal

STALE_ROW = _(
    "Someone else saved this while you were editing. Your text is still in the form: reload "
    "the page in another tab to see theirs, then save again."
)


class RadioGroup(forms.RadioSelect):
    """Radios whose field id is the first radio's, so the error summary's link lands on it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index)


def fingerprint(*values: object) -> str:
    """A stand-in version for rows without a version column (tasks, goals).

    It digests what the editor saw, so a save is refused when the stored row no
    longer matches; it carries no clinical content of its own.
    """
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


class FingerprintForm(forms.Form):
    """Optimistic concurrency for rows without a version column."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.initial.setdefault("seen", current)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("seen") != self.current:
            # The user has now seen the warning: saving again applies what they typed.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen")] = self.current
            raise forms.ValidationError(STALE_ROW, code="stale")
        return data


def task_fingerprint(row: EpisodeTask) -> str:
    return fingerprint(row.done, row.note)


class TaskForm(FingerprintForm):
    """One checklist item of the initial (§1.3) or termination (§1.7) phase: done, with a note."""

    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, row: EpisodeTask, **kwargs: Any) -> None:
        # Each task's form gets its own prefix: ids stay unique on the page.
        kwargs.setdefault("prefix", row.code)
        kwargs.setdefault("initial", {"done": row.done, "note": row.note})
        super().__init__(*args, current=task_fingerprint(row), **kwargs)


class EpisodeSettingsForm(VersionedForm):
    """Phase boundaries (§1.2), combined treatment (§1.3 task 2) and severity (§4.2)."""

    class Meta:
        model = Episode
        fields = [
            "initial_phase_sessions",
            "termination_phase_sessions",
            "baseline_phq9",
            "clinician_rated_severe",
            "prescriber_name",
            "prescriber_contact",
            "medication_notes",
        ]
        widgets = {"medication_notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "initial_phase_sessions": _("Usually 1 to 3. Changes the phase of later notes."),
            "termination_phase_sessions": _(
                "The last sessions of the contract; ending is raised 2 to 4 sessions before."
            ),
            "baseline_phq9": _("0 to 27. At 16 or more, 16 sessions are suggested."),
            "clinician_rated_severe": _(
                "Suggests 16 sessions and allows extensions beyond 4 sessions."
            ),
            "medication_notes": _("Medication, dose, and what was agreed with the prescriber."),
        }

    def __init__(self, *args: Any, planned: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.planned = planned

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        initial = data.get("initial_phase_sessions")
        ending = data.get("termination_phase_sessions")
        # A middle phase must remain for the problem-area work (§1.2).
        if self.planned and initial and ending and initial + ending >= self.planned:
            raise forms.ValidationError(
                _(
                    "The initial and termination phases together must leave at least one "
                    "middle session of the %(planned)s planned."
                ),
                params={"planned": self.planned},
                code="no_middle",
            )
        return data


class FormulationForm(VersionedForm):
    """§1.3 tasks 7–8: one primary area, at most one other, and the formulation."""

    class Meta:
        model = Episode
        formfield_callback = sane_formfield
        fields = [
            "primary_problem_area",
            "secondary_problem_area",
            "formulation",
            "formulation_agreed_on",
        ]
        widgets = {
            "formulation": forms.Textarea(attrs={"rows": 8}),
            "formulation_agreed_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "primary_problem_area": _("IPT keeps one primary focus."),
            "secondary_problem_area": _("Optional; at most one, and not the primary one."),
            "formulation": _(
                "How the depression links to the interpersonal situation, in words the "
                "client can accept. Encrypted."
            ),
            "formulation_agreed_on": _("When the client accepted the formulation."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["primary_problem_area"].required = True
        # The variant's areas, under its labels (variants.py: added, hidden, renamed).
        areas = variants.of(self.instance).area_choices()
        self.fields["primary_problem_area"].choices = [("", _("Choose an area")), *areas]
        self.fields["secondary_problem_area"].choices = [("", _("None")), *areas]

    def clean_formulation_agreed_on(self) -> Any:
        day = self.cleaned_data["formulation_agreed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The agreement date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        primary = data.get("primary_problem_area")
        if primary and data.get("secondary_problem_area") == primary:
            self.add_error(
                "secondary_problem_area",
                _("Choose a different secondary area, or none: it is already the primary one."),
            )
        return data


def goal_fingerprint(goal: Goal) -> str:
    return fingerprint(goal.text, goal.achieved)


class GoalForm(FingerprintForm):
    """Edit one goal's text, or mark it achieved."""

    # A textarea: goals are sentences, and a one-line input hid most of them.
    text = forms.CharField(
        label=_("Goal"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    achieved = forms.BooleanField(label=_("Achieved"), required=False)

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"goal-{goal.public_id}")
        kwargs.setdefault("initial", {"text": goal.text, "achieved": goal.achieved})
        super().__init__(*args, current=goal_fingerprint(goal), **kwargs)


class GoalAddForm(forms.Form):
    """A goal of the therapist's own for one of the chosen areas."""

    problem_area = forms.ChoiceField(label=_("Problem area"))
    text = forms.CharField(
        label=_("New goal"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new-goal")
        super().__init__(*args, **kwargs)
        chosen = [episode.primary_problem_area, episode.secondary_problem_area]
        self.fields["problem_area"].choices = [
            (value, label)
            for value, label in variants.of(episode).area_choices()
            if value in chosen
        ]


class DisputeStageForm(forms.ModelForm):
    """§1.4: stage the role dispute; re-assessed over time."""

    class Meta:
        model = DisputeStageAssessment
        formfield_callback = sane_formfield
        fields = ["stage", "assessed_on", "note"]
        widgets = {
            "stage": RadioGroup,
            "assessed_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"note": _("What points to this stage")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "stage")
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = list(catalogue.DisputeStage.choices)
        self.fields["assessed_on"].initial = timezone.localdate()

    def clean_assessed_on(self) -> Any:
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The assessment date cannot be in the future."))
        return day
