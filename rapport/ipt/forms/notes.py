"""Forms of the session note, its addenda, co-signature, process note and fidelity."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.core.widgets import RadioSelect
from rapport.ipt import catalogue, family, variants
from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.models import Addendum, FidelityRating, SessionNote
from rapport.ipt.notes import NOTE_FIELDS


class SessionNoteForm(forms.ModelForm):
    """The editable part of a draft; ``version`` is the one the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-autosave-version": ""}))
    techniques = forms.MultipleChoiceField(
        label=_("Techniques used"),
        choices=catalogue.Technique.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Recorded for adherence and supervision."),
    )

    class Meta:
        model = SessionNote
        formfield_callback = sane_formfield
        fields = list(NOTE_FIELDS)
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "symptom_review": forms.Textarea(attrs={"rows": 4}),
            "suicidality": RadioSelect,
            "suicidality_detail": forms.Textarea(attrs={"rows": 3}),
            "interval_events": forms.Textarea(attrs={"rows": 4}),
            "problem_area_work": forms.Textarea(attrs={"rows": 8}),
            "between_session_plan": forms.Textarea(attrs={"rows": 3}),
            "open_alerts_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "interval_events": _(
                "How have things been since we last met? Link changes in mood to "
                "interpersonal events, and events to mood."
            ),
            "suicidality": _("Required before signing an attended session."),
            "between_session_plan": _("Interpersonal experiments to try before next time."),
            "open_alerts_reason": _(
                "Only if you do not acknowledge the alert now: a note cannot be signed while "
                "an alert is open without this. The alert stays open and keeps escalating."
            ),
        }
        labels = {"open_alerts_reason": _("Why the open safety alert stays open")}

    def __init__(self, *args: Any, instance: SessionNote, **kwargs: Any) -> None:
        # Validation writes the typed values onto the instance: give it a copy, so the
        # caller's note still holds what is stored and the versioned save sees the changes.
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        self.initial.setdefault("version", self.instance.version)
        self.fields["suicidality"].choices = [
            choice for choice in SessionNote.Suicidality.choices if choice[0]
        ]
        self.fields["suicidality"].required = False
        episode = self.instance.episode
        self.fields["techniques"].choices = variants.of(episode).technique_choices()
        # §1.4: the dispute is staged only when a role dispute is an agreed focus.
        if ProblemArea.ROLE_DISPUTE not in (
            episode.primary_problem_area,
            episode.secondary_problem_area,
        ):
            del self.fields["dispute_stage"]
        self._manual_sections(variants.of(episode))

    def _manual_sections(self, definition: variants.VariantDefinition) -> None:
        """variants.md §2.4: the session's format and the manual's sections for it."""
        if definition.session_formats:
            self.fields["session_format"] = forms.ChoiceField(
                label=_("Session format"),
                choices=definition.format_choices(),
                widget=RadioSelect,
                help_text=family.FORMAT_HELP,
                required=False,
            )
            self.initial["session_format"] = family.session_format(self.instance)
        else:
            del self.fields["session_format"]
        self.section_names = family.add_section_fields(self, self.instance)

    @property
    def section_fields(self) -> list[Any]:
        return [self[name] for name, _code in self.section_names]

    @property
    def note_values(self) -> dict[str, Any]:
        sections = dict(self.section_names)
        values = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name != "version" and name not in sections and not self._omitted(name)
        }
        submitted = {
            code: self.cleaned_data[name]
            for name, code in self.section_names
            if not self.fields[name].widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            )
        }
        merged = family.merged_sections(self.instance.sections, submitted)
        if merged != (self.instance.sections or {}):
            values["sections"] = merged
        return values

    def conflict_names(self, names: list[str], current: SessionNote) -> list[str]:
        """The changed fields a conflict names, the manual's sections one by one."""
        found = [name for name in names if name != "sections"]
        if "sections" in names:
            found += [
                name
                for name, _code in self.section_names
                if self.stored_value(current, name) != (self.cleaned_data.get(name) or "")
            ]
        return found

    def stored_value(self, current: SessionNote, name: str) -> Any:
        code = dict(self.section_names).get(name)
        if code is None:
            return getattr(current, name)
        return (current.sections or {}).get(code, "")

    def _omitted(self, name: str) -> bool:
        """The reason for leaving an alert open is on the page only while one is open (or
        a reason was given): a page without it says nothing about it, so nothing is cleared."""
        if name not in ("open_alerts_reason", "session_format"):
            return False
        widget = self.fields[name].widget
        return widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))

    def clean_held_on(self) -> Any:
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() + timezone.timedelta(days=1):
            raise forms.ValidationError(_("A session note cannot be dated in the future."))
        return day

    def clean_techniques(self) -> list[str]:
        return [str(value) for value in self.cleaned_data["techniques"]]


class AddendumForm(forms.ModelForm):
    class Meta:
        model = Addendum
        fields = ["reason", "text"]
        widgets = {
            "reason": forms.TextInput(),
            "text": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"reason": _("Reason for the addendum"), "text": _("Addendum")}
        help_texts = {
            "reason": _("For example: a correction, or information received after signing."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class ReviewForm(forms.Form):
    """A supervisor's decision on a trainee's note."""

    decision = forms.ChoiceField(choices=[("cosign", ""), ("return", "")], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comments for the trainee"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required to return the note; optional when co-signing."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what should change before returning the note."))
        return data


class ProcessNoteForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput(attrs={"data-autosave-version": ""}), required=False
    )
    text = forms.CharField(
        label=_("Process note"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        strip=False,
        help_text=_(
            "Your own impressions of this session. Only you can read this note: it is not "
            "part of the chart, exports or supervision."
        ),
    )


class FidelityForm(forms.ModelForm):
    class Meta:
        model = FidelityRating
        fields = ["in_phase", "on_focus", "comment"]
        widgets = {
            "in_phase": RadioSelect,
            "on_focus": RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 2}),
        }
