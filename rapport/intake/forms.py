"""The consultation request form and the clinic admin's page editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.widgets import RadioSelect
from rapport.core.zones import zone_label
from rapport.intake.models import ConsultationRequest, PublicPage

Channel = ConsultationRequest.Channel
HONEYPOT = "website"
SLOT_TAKEN = gettext_lazy("That time was just taken — choose another or leave it for us to arrange")


class ConsultationRequestForm(forms.ModelForm):
    # The honeypot: people never see it (off-screen, hidden from assistive tech,
    # out of the tab order); a bot that fills it is thanked and ignored.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ConsultationRequest
        fields = [
            "name",
            "email",
            "phone",
            "preferred_channel",
            "age_group",
            "concern",
            "preferred_times",
            "consent_to_contact",
        ]
        labels = {
            "name": gettext_lazy("Your name"),
            "email": gettext_lazy("E-mail address"),
            "phone": gettext_lazy("Phone number"),
            "preferred_channel": gettext_lazy("How should we contact you?"),
            "age_group": gettext_lazy("Age of the person who would come to therapy"),
            "concern": gettext_lazy("What is going on for you at the moment?"),
            "preferred_times": gettext_lazy("Which days and times usually suit you?"),
            "consent_to_contact": gettext_lazy(
                "I agree that the practice may contact me about this request"
            ),
        }
        help_texts = {
            "concern": gettext_lazy(
                "A few sentences are enough. Only the practice's intake team reads this."
            ),
            "preferred_times": gettext_lazy("For example: weekday evenings, Tuesday mornings."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "preferred_channel": RadioSelect,
            "age_group": RadioSelect,
            "concern": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, slots: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered free consultation times (services.PublicSlot), when the clinic allows picking.
        self.slots = {slot.value: slot for slot in slots or []}
        if self.slots:
            self.fields["slot"] = forms.ChoiceField(
                label=gettext_lazy("Pick a time for your first conversation (optional)"),
                required=False,
                choices=[("", "")] + [(value, value) for value in self.slots],
                error_messages={"invalid_choice": SLOT_TAKEN},
            )
        self.fields["concern"].required = True
        self.fields["consent_to_contact"].required = True
        self.fields["consent_to_contact"].error_messages["required"] = _(
            "We can only reply if you agree to be contacted."
        )
        # A model field with choices gives the radio list a blank "---------" choice.
        for name in ("preferred_channel", "age_group"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        channel = cleaned.get("preferred_channel")
        if channel == Channel.EMAIL and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email", _("Give an e-mail address, or choose another way to reach you.")
            )
        if channel in (Channel.PHONE, Channel.TEXT) and not cleaned.get("phone"):
            self.add_error("phone", _("Give a phone number, or choose another way to reach you."))
        if self.data.get("slot") and "slot" not in self.fields:
            self.add_error(None, SLOT_TAKEN)  # a time was picked but none is offered any more
        return cleaned

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def picked_slot(self) -> Any:
        """The picked free time (services.PublicSlot), or None."""
        return self.slots.get(self.cleaned_data.get("slot") or "")

    def slot_days(self) -> list[tuple[Any, list[dict[str, Any]]]]:
        """The offered times grouped by the clinic's local day, for one radio group per day."""
        chosen = self.data.get("slot") if self.is_bound else None
        days: dict[Any, list[dict[str, Any]]] = {}
        for value, slot in self.slots.items():
            days.setdefault(slot.start.date(), []).append(
                {
                    "value": value,
                    # Already in the clinic's zone: formatted here so templates don't convert.
                    "start": slot.start.strftime("%H:%M"),
                    "end": slot.end.strftime("%H:%M"),
                    "zone": zone_label(slot.start),
                    "initials": slot.initials,
                    "checked": value == chosen,
                }
            )
        return list(days.items())


class PublicPageForm(forms.ModelForm):
    class Meta:
        model = PublicPage
        fields = ["title", "body"]
        help_texts = {
            "body": gettext_lazy(
                "Plain text. Leave a blank line between paragraphs; start a line with "
                "“- ” for a list. The first paragraph is the summary on the home page."
            )
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}
