from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.audit_names import event_choices
from rapport.core.inputs import SaneDateField
from rapport.core.models import Clinic, Role, User
from rapport.core.zones import TimeZoneField


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class AuditFilterForm(forms.Form):
    since = SaneDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = SaneDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("Anyone"),
    )
    client = forms.ChoiceField(label=_("Client"), required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)

    def __init__(self, *args, staff, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = staff
        self.fields["client"].choices = [("", _("Any client")), *clients]
        self.fields["event"].choices = [("", _("Any event")), *event_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return data


class ClinicSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_(
            "Appointments and records are shown in this zone unless a person sets their own. "
            "Type part of a name, for example “Berlin”, and pick a suggestion."
        ),
    )
    crisis_text = forms.CharField(
        label=_("Crisis resources"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown at the foot of every page and whenever a client reports thoughts of "
            "self-harm. One per line, as: description | number"
        ),
    )

    class Meta:
        model = Clinic
        fields = ["name", "time_zone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.first = self.instance.time_zone
        self.initial["crisis_text"] = "\n".join(
            f"{item['label']} | {item['contact']}" for item in self.instance.crisis_resources
        )

    def clean_crisis_text(self) -> list[dict[str, str]]:
        resources = []
        for number, line in enumerate(self.cleaned_data["crisis_text"].splitlines(), start=1):
            if not line.strip():
                continue
            label, bar, contact = (part.strip() for part in line.partition("|"))
            if not (bar and label and contact):
                raise forms.ValidationError(
                    _("Line %(n)d needs a description, a “|” and a number.") % {"n": number}
                )
            resources.append({"label": label, "contact": contact})
        if not resources:
            raise forms.ValidationError(_("Keep at least one crisis resource."))
        return resources

    def changes(self) -> list[str]:
        """``field: old → new`` for the audit log (clinic settings are not clinical content)."""
        found = [
            f"{name}: {self.initial[name]} → {self.cleaned_data[name]}"
            for name in ("name", "time_zone")
            if self.initial[name] != self.cleaned_data[name]
        ]
        new = "; ".join(f"{r['label']} | {r['contact']}" for r in self.cleaned_data["crisis_text"])
        old = self.initial["crisis_text"].replace("\n", "; ")
        if old != new:
            found.append(f"crisis_resources: {old} → {new}")
        return found

    def save(self, commit: bool = True) -> Clinic:
        self.instance.crisis_resources = self.cleaned_data["crisis_text"]
        return super().save(commit)


class StaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Work e-mail"), help_text=_("The invitation and password links go here.")
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    supervisees = forms.ModelMultipleChoiceField(
        label=_("Supervises"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For supervisors: the therapists whose cases they review."),
    )

    def __init__(
        self,
        *args: Any,
        clinic: Clinic,
        user: User | None = None,
        editor: User | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        therapists = User.objects.filter(
            clinic=clinic, is_active=True, staff_roles__role=Role.THERAPIST
        ).order_by("last_name", "first_name")
        self.user, self.editor = user, editor
        self.refused_own_duties = False  # audited by the view
        if user is not None:
            therapists = therapists.exclude(pk=user.pk)
        self.fields["supervisees"].queryset = therapists

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("supervisees") and Role.SUPERVISOR not in data.get("roles", []):
            self.add_error("supervisees", _("Only supervisors supervise. Tick Supervisor too."))
        self._refuse_own_duties(data)
        return data

    def _refuse_own_duties(self, data: dict[str, Any]) -> None:
        """Separation of duties: no one changes their own roles or who supervises them."""
        if self.editor is None or "roles" not in data or "supervisees" not in data:
            return
        before = {s.pk for s in self.initial.get("supervisees", [])}
        after = {s.pk for s in data["supervisees"]} if Role.SUPERVISOR in data["roles"] else set()
        self.refused_own_duties = self.editor == self.user and (
            set(data["roles"]) != set(self.initial.get("roles", [])) or before != after
        )
        if self.refused_own_duties:
            raise forms.ValidationError(
                _(
                    "You cannot change your own roles or supervision. "
                    "Another admin of the clinic can make this change."
                )
            )
        if self.editor.pk in before ^ after:
            self.refused_own_duties = True
            raise forms.ValidationError(
                _("You cannot change who supervises you. Another admin can make this change.")
            )


class StaffInviteForm(StaffForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ["first_name", "last_name", "username", "email", "roles", "supervisees"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."))
        return username

    def clean_roles(self) -> list[str]:
        roles = self.cleaned_data["roles"]
        if Role.CLINIC_ADMIN in roles and {Role.THERAPIST, Role.SUPERVISOR} & set(roles):
            raise forms.ValidationError(
                _(
                    "Invite them as clinic admin or as a clinician, not both. Adding a "
                    "clinical role to an admin account afterwards needs a second admin's approval."
                )
            )
        return roles


class ForgotPasswordForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class ReenrolForm(TokenForm):
    """Completing a second-factor reset: the password proves who follows the link."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "token"]
