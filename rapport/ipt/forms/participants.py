"""Participants, consents, confidentiality and attendance of an episode (variants.md §1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import sane_formfield
from rapport.ipt import variants
from rapport.ipt.models import (
    ConfidentialityAgreement,
    ConsentRecord,
    Episode,
    Participant,
    SessionNote,
)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        formfield_callback = sane_formfield
        fields = [
            "role",
            "name",
            "relationship",
            "contact",
            "has_legal_authority",
            *Participant.SHARING,
        ]
        widgets = {"contact": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "relationship": _("For example: mother, father, legal guardian, grandmother."),
            "contact": _("Telephone or e-mail, and the preferred one. Encrypted."),
            "has_legal_authority": _(
                "Where parents are separated, keep a copy of any custody order (§1.3)."
            ),
        }

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "person")
        super().__init__(*args, **kwargs)
        roles = variants.of(episode).other_participant_roles or [
            (variants.ParticipantRole.OTHER, variants.ParticipantRole.OTHER.label)
        ]
        self.fields["role"].choices = roles
        self.fields["name"].required = True
        self.fields["relationship"].required = True
        self.fields["contact"].required = True


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        formfield_callback = sane_formfield
        fields = ["kind", "signer", "given_on", "document_version", "scope"]
        widgets = {
            "given_on": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "signer": _("Assent is the young person's own: leave “the client” for it."),
            "scope": _("What the consent covers, if limited. Encrypted."),
        }

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = episode.participants.all()
        self.fields["signer"].empty_label = _("The client")
        self.fields["signer"].label_from_instance = lambda person: (
            f"{person.name} ({person.relationship})"
        )
        self.fields["given_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, signer = data.get("kind"), data.get("signer")
        if kind == ConsentRecord.Kind.ASSENT and signer is not None:
            self.add_error("signer", _("Assent is given by the client: choose “The client”."))
        if kind == ConsentRecord.Kind.CONSENT:
            if signer is None:
                self.add_error(
                    "signer",
                    _("A parent or legal guardian consents for a minor: choose who consented."),
                )
            elif not signer.has_legal_authority:
                self.add_error(
                    "signer",
                    _(
                        "%(name)s is not recorded as having legal authority to consent: "
                        "correct the participant first."
                    )
                    % {"name": signer.name},
                )
        day = data.get("given_on")
        if day and day > timezone.localdate():
            self.add_error("given_on", _("The date cannot be in the future."))
        return data


class ConfidentialityForm(forms.ModelForm):
    class Meta:
        model = ConfidentialityAgreement
        formfield_callback = sane_formfield
        fields = [
            "explained_on",
            "explained_to_client",
            "explained_to_guardians",
            *ConfidentialityAgreement.EXCEPTIONS,
            *ConfidentialityAgreement.SHARED,
            "note",
        ]
        widgets = {
            "explained_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "confidentiality")
        super().__init__(*args, **kwargs)
        self.fields["explained_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("explained_to_client") or data.get("explained_to_guardians")):
            self.add_error(None, _("Say to whom the agreement was explained."))
        day = data.get("explained_on")
        if day and day > timezone.localdate():
            self.add_error("explained_on", _("The date cannot be in the future."))
        return data


class AttendanceForm(forms.Form):
    """One row of checkboxes per participant: present, joint part, seen alone."""

    PARTS = (
        ("present", _("Present")),
        ("joint", _("Joined the joint part")),
        ("seen_alone", _("Seen alone")),
    )

    def __init__(self, *args: Any, note: SessionNote, rows: list[dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = []
        for entry in rows:
            person, row = entry["participant"], entry["row"]
            fields = []
            for part, label in self.PARTS:
                name = f"{person.public_id}-{part}"
                self.fields[name] = forms.BooleanField(
                    label=label, required=False, initial=bool(row and getattr(row, part))
                )
                fields.append(self[name])
            self.people.append((person, fields))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for person, _fields in self.people:
            prefix = str(person.public_id)
            if not data.get(f"{prefix}-present") and (
                data.get(f"{prefix}-joint") or data.get(f"{prefix}-seen_alone")
            ):
                self.add_error(
                    f"{prefix}-present",
                    _("%(name)s is marked in a part of the session but not present.")
                    % {"name": person.name},
                )
        return data

    def marks(self) -> dict[int, dict[str, bool]]:
        return {
            person.pk: {
                part: bool(self.cleaned_data.get(f"{person.public_id}-{part}"))
                for part, _label in self.PARTS
            }
            for person, _fields in self.people
        }


class PortalLinkForm(forms.Form):
    """Which guardian portal account reads this participant's sharing (docs/portal.md)."""

    portal_account = forms.ChoiceField(
        label=_("Portal account"),
        required=False,
        help_text=_("The guardian's portal shows what this person may be told."),
    )

    def __init__(self, *args: Any, accounts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {str(account.public_id): account for account in accounts}
        self.fields["portal_account"].choices = [("", _("Not linked"))] + [
            (key, f"{account.name} ({account.relationship})")
            for key, account in self.accounts.items()
        ]

    def clean_portal_account(self) -> Any:
        return self.accounts.get(self.cleaned_data["portal_account"])
