"""Forms of the intake queue: notes, contact attempts, status, conversion, waitlist, booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField
from rapport.core.models import User
from rapport.core.versioning import VersionedForm
from rapport.intake import waitlist
from rapport.intake.models import OPEN_STATUSES, ConsultationRequest, ContactAttempt
from rapport.ipt.catalogue import Variant

S = ConsultationRequest.Status
# Changes a coordinator makes by hand. Waitlisted, consultation booked and accepted
# follow from their own acts (waitlist, booking, conversion); accepted is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.CONTACTED, S.REFERRED, S.DECLINED),
    S.CONTACTED: (S.REFERRED, S.DECLINED),
    S.CONSULTATION_BOOKED: (S.CONTACTED, S.REFERRED, S.DECLINED),
    S.WAITLISTED: (S.CONTACTED, S.REFERRED, S.DECLINED),
    S.REFERRED: (S.CONTACTED,),
    S.DECLINED: (S.CONTACTED,),
    S.ACCEPTED: (),
}
OPEN = OPEN_STATUSES


class NotesForm(VersionedForm):
    class Meta:
        model = ConsultationRequest
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "notes": _("For the intake team. Encrypted; kept out of e-mails and logs."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].required = False


class ContactAttemptForm(forms.ModelForm):
    class Meta:
        model = ContactAttempt
        fields = ["channel", "outcome", "note"]
        widgets = {
            "channel": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"channel": _("How"), "outcome": _("Outcome"), "note": _("Note")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, request_obj: ConsultationRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[request_obj.status]
        self.fields["status"].choices = [(value, S(value).label) for value in allowed]
        self.initial["version"] = request_obj.version


class TherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def therapist_field(clinic: Any, **kwargs: Any) -> TherapistChoiceField:
    return TherapistChoiceField(
        queryset=waitlist.therapists(clinic), to_field_name="public_id", **kwargs
    )


class ConversionForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    date_of_birth = SaneDateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    started_on = SaneDateField(
        label=_("Episode starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # Issue 15 item 7: the IPT manual, suggested by the request's age group.
    variant = forms.ChoiceField(
        label=_("IPT manual"),
        choices=Variant.choices,
        required=False,  # without one, the age group's suggestion is used
        help_text=_("What each manual brings is listed below the form."),
    )

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"] = therapist_field(
            clinic, label=_("Therapist"), empty_label=_("Choose a therapist")
        )
        self.order_fields(["given_name", "family_name", "date_of_birth", "therapist"])

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born


class WaitlistAddForm(forms.Form):
    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_therapist"] = therapist_field(
            clinic,
            label=_("Preferred therapist"),
            required=False,
            empty_label=_("No preference"),
        )


class WaitlistRemoveForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=waitlist.REMOVAL_REASONS, widget=forms.RadioSelect
    )


class TherapistPickForm(forms.Form):
    """The booking grid's filter (a GET form): one therapist's free times, or everyone's."""

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"] = therapist_field(
            clinic, label=_("Therapist"), required=False, empty_label=_("Any therapist")
        )
