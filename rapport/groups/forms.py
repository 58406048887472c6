"""Forms of Group IPT: the group, members, the booking, meetings and the group note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.access import Capability
from rapport.core.inputs import SaneDateField, sane_formfield
from rapport.core.models import Role, User
from rapport.core.widgets import RadioSelect
from rapport.groups import services
from rapport.groups.models import GroupSession, IndividualMeeting, MemberEntry, TherapyGroup
from rapport.ipt.models import Episode, SessionNote

TEXT = {"rows": 3}


class GroupForm(forms.ModelForm):
    co_facilitator = forms.ModelChoiceField(
        label=_("Co-facilitator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("§3.1: two facilitators. A co-facilitator adds their own clients."),
    )

    class Meta:
        model = TherapyGroup
        formfield_callback = sane_formfield
        fields = ["name", "variant", "modality"]
        help_texts = {"name": _("An operational name, e.g. a day and a place; no clinical words.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variant"] = forms.ChoiceField(
            label=_("Manual"),
            choices=[(d.code, d.label) for d in services.group_formats()],
        )
        self.fields["co_facilitator"].queryset = (
            User.objects.filter(
                clinic_id=user.clinic_id, is_active=True, staff_roles__role=Role.THERAPIST
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["co_facilitator"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class MemberForm(forms.Form):
    episode = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Episode.objects.none(),
        help_text=_("Your clients with an active episode of this group's manual."),
    )

    def __init__(self, *args: Any, user: Any, group: TherapyGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from rapport.groups.models import Membership

        taken = Membership.objects.values("episode_id")
        field = self.fields["episode"]
        field.queryset = (
            Episode.objects.visible_to(user, Capability.EDIT_CLINICAL)
            .active()
            .filter(variant=group.variant)
            .exclude(pk__in=taken)
            .select_related("client")
            .order_by("client__family_name", "client__given_name")
        )
        field.label_from_instance = lambda e: f"{e.client.given_name} {e.client.family_name}"


class BookingForm(forms.Form):
    first = SaneDateField(label=_("First group session"), widget=forms.DateInput({"type": "date"}))
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput({"type": "time"}))
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=30, max_value=180)

    def clean_first(self) -> dt.date:
        first = self.cleaned_data["first"]
        if first < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return first


def _suicidality_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=SessionNote._meta.get_field("suicidality").verbose_name.capitalize(),
        choices=[c for c in SessionNote.Suicidality.choices if c[0]],
        widget=RadioSelect,
        required=False,
        help_text=_("Required before signing for a member who attended."),
    )


def member_fields() -> dict[str, forms.Field]:
    """A member's part (§3.4 per-member entries), as fields of their session note."""
    text = {"required": False, "widget": forms.Textarea(attrs=TEXT)}
    return {
        "attendance": forms.ChoiceField(
            label=_("Attendance"), choices=MemberEntry.Attendance.choices, widget=RadioSelect
        ),
        "mood_rating": forms.IntegerField(
            label=_("Mood today (0 = worst, 10 = best)"), min_value=0, max_value=10, required=False
        ),
        "symptom_review": forms.CharField(label=_("Symptom and mood review"), **text),
        "interval_events": forms.CharField(label=_("The week's events linked to mood"), **text),
        "problem_area_work": forms.CharField(
            label=_("Problem-area work and options the group offered"), **text
        ),
        "between_session_plan": forms.CharField(label=_("Between-session task"), **text),
        "suicidality": _suicidality_field(),
        "suicidality_detail": forms.CharField(label=_("Risk detail and actions"), **text),
        "open_alerts_reason": forms.CharField(
            label=_("If an open safety alert stays open: why"),
            help_text=_("Only when this member has an open alert that is not acknowledged now."),
            **text,
        ),
    }


class GroupNoteForm(forms.Form):
    """The shared part and one fieldset per member; ``version`` is the group note's."""

    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-autosave-version": ""}))
    held_on = SaneDateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    themes = forms.CharField(label=_("Themes"), required=False, widget=forms.Textarea(attrs=TEXT))
    group_process = forms.CharField(
        label=_("Group process"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    techniques = forms.MultipleChoiceField(
        label=_("Techniques used"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reflections = forms.CharField(
        label=_("Facilitator reflections"), required=False, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(
        self, *args: Any, session: GroupSession, rows: list[MemberEntry], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        definition = services.definition(session.group)
        self.fields["techniques"].choices = definition.technique_choices()
        self.initial.update(
            {name: getattr(session, name) for name in services.SHARED_FIELDS}
            | {"version": session.version}
        )
        for entry in rows:
            for name, formfield in member_fields().items():
                key = f"{entry.membership.code}-{name}"
                self.fields[key] = formfield
                source = entry if name == "attendance" else entry.note
                self.initial[key] = getattr(source, name)

    def members(self) -> list[tuple[MemberEntry, list[Any]]]:
        """(entry, its bound fields) for the template's fieldsets."""
        return [
            (entry, [self[f"{entry.membership.code}-{name}"] for name in member_fields()])
            for entry in self.rows
        ]

    @property
    def shared_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.SHARED_FIELDS}

    @property
    def member_values(self) -> dict[str, dict[str, Any]]:
        values = {}
        for entry in self.rows:
            code = entry.membership.code
            part = {name: self.cleaned_data[f"{code}-{name}"] for name in member_fields()}
            for name in ("symptom_review", "interval_events", "problem_area_work"):
                part[name] = part[name] or ""
            values[code] = part
        return values


class MeetingForm(forms.ModelForm):
    """A pre-group (or mid/post) meeting: recorded and signed in the member's record."""

    kind = forms.ChoiceField(label=_("Meeting"), choices=IndividualMeeting.Kind.choices)
    agreement_signed = forms.BooleanField(
        label=_("The member signed the group agreement today (§3.3)"), required=False
    )

    class Meta:
        model = SessionNote
        formfield_callback = sane_formfield
        fields = [
            "held_on",
            "symptom_review",
            "problem_area_work",
            "between_session_plan",
            "suicidality",
            "suicidality_detail",
            "open_alerts_reason",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "symptom_review": forms.Textarea(attrs=TEXT),
            "problem_area_work": forms.Textarea(attrs=TEXT),
            "between_session_plan": forms.Textarea(attrs=TEXT),
            "suicidality": RadioSelect,
            "suicidality_detail": forms.Textarea(attrs=TEXT),
            "open_alerts_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "symptom_review": _("Symptom inventory (PHQ-9 items) and onset"),
            "problem_area_work": _("Interpersonal problems linked to the onset; problem area"),
            "between_session_plan": _("Preparation for the group, hope, what to expect"),
            "open_alerts_reason": _("If an open safety alert stays open: why"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suicidality"].choices = [c for c in SessionNote.Suicidality.choices if c[0]]
        self.fields["suicidality"].required = False
        self.fields["held_on"].initial = timezone.localdate()

    @property
    def note_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AddendumForm(forms.Form):
    part = forms.ChoiceField(label=_("Which part"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, rows: list[MemberEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [("shared", _("The shared part"))] + [
            (e.membership.code, _("%(code)s's part") % {"code": e.membership.code}) for e in rows
        ]


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the member left"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept encrypted with the membership; later group notes leave them out."),
    )
