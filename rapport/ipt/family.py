"""A session of a manual with segments and formats (variants.md §2.2, §2.4), and the
parent-contact log (§1.2, §1.6).

The note's manual sections come from the catalogue (``VariantDefinition.sections_for``):
this module only turns them into form fields and display rows, whatever the variant.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.widgets import RadioSelect
from rapport.ipt import variants
from rapport.ipt.models import (
    Episode,
    Participant,
    ParticipantAttendance,
    ResponseRespondent,
    SessionNote,
)

SECTION_PREFIX = "section_"


def session_format(note: SessionNote) -> str:
    """The note's format, or the plan's usual one for its session while none is saved."""
    return note.session_format or variants.of(note.episode).default_format(note.number)


def note_sections(note: SessionNote) -> list[variants.NoteSection]:
    return variants.of(note.episode).sections_for(note.number, session_format(note))


def section_field(section: variants.NoteSection, value: Any) -> forms.Field:
    if section.kind == variants.SectionKind.CHOICE:
        return forms.ChoiceField(
            label=section.label,
            choices=list(section.choices),
            required=False,
            widget=RadioSelect,
            help_text=section.hint,
            initial=value,
        )
    return forms.CharField(
        label=section.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=section.hint,
        initial=value,
    )


def add_section_fields(form: forms.Form, note: SessionNote) -> list[tuple[str, str]]:
    """Adds a field per stored section of this session; returns (field name, code) pairs."""
    stored = note.sections or {}
    names = []
    for section in note_sections(note):
        if section.stored:
            name = f"{SECTION_PREFIX}{section.code}"
            form.fields[name] = section_field(section, stored.get(section.code, ""))
            names.append((name, section.code))
    return names


def merged_sections(stored: dict[str, str] | None, submitted: dict[str, str]) -> dict[str, str]:
    """The stored sections with the submitted ones written over; empty ones dropped.
    Sections not on the page (another format's) keep their text."""
    merged = dict(stored or {})
    for code, value in submitted.items():
        if value:
            merged[code] = value
        else:
            merged.pop(code, None)
    return merged


def display_rows(note: SessionNote) -> list[dict[str, Any]]:
    """The note's manual sections as read-only rows (label, text), in the manual's order."""
    stored = note.sections or {}
    rows = []
    for section in note_sections(note):
        if not section.stored:
            continue
        value = stored.get(section.code, "")
        if section.kind == variants.SectionKind.CHOICE:
            value = str(dict(section.choices).get(value, value))
        rows.append({"label": section.label, "value": value})
    return rows


def planned(note: SessionNote) -> dict[str, Any]:
    """What the manual plans for this session, for the note page."""
    definition = variants.of(note.episode)
    sections = note_sections(note)
    return {
        "planned_session": definition.planned_session(note.number),
        "session_format_label": (
            str(variants.SessionFormat(session_format(note)).label)
            if definition.session_formats
            else ""
        ),
        "format_note": definition.format_note,
        "shows_attendance": any(s.kind == variants.SectionKind.ATTENDANCE for s in sections),
    }


def note_context(note: SessionNote) -> dict[str, Any]:
    """The note page's manual panel: plan, format, sections and (if the manual records
    participants) who attended; no query for a manual without participants."""
    context = planned(note)
    context["manual_sections"] = display_rows(note)
    if context["shows_attendance"]:
        context["attendance_summary"] = attendance_summary(note)
    return context


def attendance_summary(note: SessionNote) -> list[dict[str, Any]]:
    """Who of the participants attended this session, and which parts (decrypts names)."""
    rows = ParticipantAttendance.objects.filter(note=note).select_related("participant")
    return [
        {
            "name": row.participant.name,
            "present": row.present,
            "joint": row.joint,
            "seen_alone": row.seen_alone,
        }
        for row in rows
    ]


# --- the parent-contact log ---------------------------------------------------------------

CONTACTS_PER_PAGE = 20


def contacts(episode: Episode) -> Any:
    return episode.caregiver_contacts.select_related("participant", "recorded_by")


def participants_for_contact(episode: Episode) -> Any:
    return Participant.objects.filter(episode=episode)


FORMAT_HELP = _("Who the session was held with. Save to update the sections below.")


# --- parent-report questionnaires (§2.3) ----------------------------------------------------

PARENT_RESPONDENT = "parent"


class RespondentForm(forms.Form):
    answered_by = forms.ModelChoiceField(
        label=_("Answered by"),
        queryset=Participant.objects.none(),
        empty_label=None,
        help_text=_("A parent-report questionnaire: the parent or caregiver who answered it."),
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "respondent")
        super().__init__(*args, **kwargs)
        field = self.fields["answered_by"]
        field.queryset = episode.participants.all()
        field.label_from_instance = lambda person: f"{person.name} ({person.relationship})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.fields["answered_by"].queryset.exists():
            raise forms.ValidationError(
                _("Add the parent or caregiver on the participants page before entering it.")
            )
        return data


def respondent_form(instrument: Any, episode: Episode, data: Any = None) -> RespondentForm | None:
    """The "answered by" question, for an instrument a parent answers (its data says so)."""
    if instrument.extra.get("respondent") != PARENT_RESPONDENT:
        return None
    return RespondentForm(data, episode=episode)


def record_respondent(response: Any, participant: Participant, *, by: Any) -> ResponseRespondent:
    return ResponseRespondent.objects.create(
        response=response, participant=participant, recorded_by=by
    )


def respondents(responses: list[Any]) -> dict[int, Participant]:
    """Who answered each of ``responses`` that a parent answered, by response id."""
    rows = ResponseRespondent.objects.filter(response__in=responses).select_related("participant")
    return {row.response_id: row.participant for row in rows}
