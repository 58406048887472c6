"""Forms of the interpersonal inventory, closeness circle and timeline (§1.3 tasks 5–6, §1.6)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.core.inputs import SaneDateField, sane_formfield
from rapport.core.versioning import VersionedForm
from rapport.ipt.models import ClosenessRating, Episode, InventoryPerson, TimelineEvent
from rapport.ipt.models.inventory import CLOSENESS_RINGS

STALE_MESSAGE = VersionedForm.stale_message


def by_name(people: Iterable[InventoryPerson]) -> list[InventoryPerson]:
    """Names are encrypted, so SQL cannot order them: sort after decryption."""
    return sorted(people, key=lambda person: (person.name.casefold(), person.pk))


def fingerprint(*values: Any) -> str:
    """A digest of a row's current values, for rows without a version column.

    The form carries the digest taken when it was opened; a different digest at
    save time means someone else saved in between (optimistic concurrency).
    """
    return hashlib.sha256(repr(values).encode()).hexdigest()


def _not_in_future(day: date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message, code="future")


def ring_label(ring: int) -> str:
    """§1.6: ring 1 is the closest; the last ring the outermost."""
    if ring == 1:
        return gettext("Ring 1 (closest)")
    if ring == CLOSENESS_RINGS:
        return gettext("Ring %(ring)s (outer)") % {"ring": ring}
    return gettext("Ring %(ring)s") % {"ring": ring}


def ring_choices() -> list[tuple[str, str]]:
    rings = range(1, CLOSENESS_RINGS + 1)
    return [("", gettext("Not placed"))] + [(str(ring), ring_label(ring)) for ring in rings]


class InventoryPersonForm(VersionedForm):
    """Every field §1.6 asks about one important person."""

    # Grouped as the therapist asks about them (§1.6 bullet order).
    GROUPS = (
        (_("Who they are"), ("name", "relationship", "relationship_detail", "deceased", "died_on")),
        (_("Contact"), ("contact",)),
        (_("What the client likes and dislikes"), ("satisfying", "unsatisfying")),
        (
            _("Mutual expectations"),
            ("expectations_of_other", "expectations_of_client", "reciprocity"),
        ),
        (_("Conflict and communication"), ("conflict", "can_discuss", "cannot_discuss")),
        (_("Change and onset"), ("desired_change", "influence", "linked_to_onset")),
    )

    class Meta:
        model = InventoryPerson
        formfield_callback = sane_formfield
        fields = [
            "name",
            "relationship",
            "relationship_detail",
            "deceased",
            "died_on",
            "contact",
            "satisfying",
            "unsatisfying",
            "expectations_of_other",
            "expectations_of_client",
            "reciprocity",
            "conflict",
            "can_discuss",
            "cannot_discuss",
            "desired_change",
            "influence",
            "linked_to_onset",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "died_on": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "contact",
                    "satisfying",
                    "unsatisfying",
                    "expectations_of_other",
                    "expectations_of_client",
                    "conflict",
                    "can_discuss",
                    "cannot_discuss",
                    "desired_change",
                )
            },
        }
        help_texts = {
            "name": _("A first name or initials is enough. Encrypted."),
            "contact": _("How often they meet or talk, what they do together."),
            "reciprocity": _("Non-reciprocal expectations are the mark of a role dispute."),
            "linked_to_onset": _("The relationship changed around the time the depression began."),
            "died_on": _("Only for a person who has died."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].max_length = 100

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean_died_on(self) -> date | None:
        died_on = self.cleaned_data.get("died_on")
        _not_in_future(died_on, _("The date of death cannot be in the future."))
        return died_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("died_on") and not data.get("deceased"):
            self.add_error(
                "died_on",
                _("A date of death needs “deceased” ticked; tick it or clear the date."),
            )
        return data


class ClosenessForm(forms.Form):
    """Place every person of the inventory in a ring, for one occasion (§1.6)."""

    rated_on = SaneDateField(
        label=_("Date of this rating"), widget=forms.DateInput(attrs={"type": "date"})
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        people: list[InventoryPerson],
        current: dict[int, ClosenessRating],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.current = current
        self.fields["rated_on"].initial = timezone.localdate()
        if current:
            self.fields["rated_on"].initial = max(r.rated_on for r in current.values())
        self.fields["fingerprint"].initial = self.current_fingerprint()
        for person in people:
            rating = current.get(person.pk)
            self.fields[self.ring_name(person)] = forms.TypedChoiceField(
                label=_("Ring"),
                choices=ring_choices(),
                coerce=int,
                empty_value=None,
                required=False,
                initial=rating.ring if rating else "",
            )
            self.fields[self.desired_name(person)] = forms.TypedChoiceField(
                label=_("Where the client would like them"),
                choices=ring_choices(),
                coerce=int,
                empty_value=None,
                required=False,
                initial=rating.desired_ring if rating and rating.desired_ring else "",
            )

    @staticmethod
    def ring_name(person: InventoryPerson) -> str:
        return f"ring_{person.public_id}"

    @staticmethod
    def desired_name(person: InventoryPerson) -> str:
        return f"desired_{person.public_id}"

    def current_fingerprint(self) -> str:
        return fingerprint(
            sorted(
                (pk, r.ring, r.desired_ring, r.rated_on.isoformat())
                for pk, r in self.current.items()
            )
        )

    def rows(self) -> list[tuple[InventoryPerson, forms.BoundField, forms.BoundField]]:
        return [
            (person, self[self.ring_name(person)], self[self.desired_name(person)])
            for person in self.people
        ]

    def clean_rated_on(self) -> date:
        rated_on = self.cleaned_data["rated_on"]
        _not_in_future(rated_on, _("The rating date cannot be in the future."))
        return rated_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fingerprint") != self.current_fingerprint():
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        for person in self.people:
            if data.get(self.desired_name(person)) and not data.get(self.ring_name(person)):
                self.add_error(
                    self.desired_name(person),
                    _("Place %(name)s in a ring first, then say where the client would like them.")
                    % {"name": person.name},
                )
        return data

    def placements(self) -> dict[InventoryPerson, tuple[int | None, int | None]]:
        """Each person's (ring, desired ring) as chosen; (None, None) = not placed."""
        data = self.cleaned_data
        return {
            person: (data.get(self.ring_name(person)), data.get(self.desired_name(person)))
            for person in self.people
        }


class PlaceForm(forms.Form):
    """One person into one ring, by clicking the ring (§1.6): the ring buttons submit it."""

    NOW, DESIRED = "ring", "desired"
    person = forms.ChoiceField(label=_("Who to place"), widget=forms.RadioSelect)
    target = forms.ChoiceField(
        label=_("Clicking a ring sets"),
        widget=forms.RadioSelect,
        choices=[
            (NOW, _("where the client places them now")),
            (DESIRED, _("where the client would like them")),
        ],
        initial=NOW,
    )
    # Set by the ring button pressed, never drawn as a field of its own.
    ring = forms.TypedChoiceField(
        choices=[(str(r), str(r)) for r in range(1, CLOSENESS_RINGS + 1)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(
        self,
        *args: Any,
        people: list[InventoryPerson],
        current: dict[int, ClosenessRating],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "place")
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        self.current = current
        self.fields["person"].choices = [
            (key, self._choice_label(person)) for key, person in self.people.items()
        ]
        unplaced = [key for key, person in self.people.items() if person.pk not in current]
        self.fields["person"].initial = (unplaced or list(self.people) or [None])[0]

    def _choice_label(self, person: InventoryPerson) -> str:
        rating = self.current.get(person.pk)
        where = ring_label(rating.ring).lower() if rating else gettext("not placed yet")
        dead = gettext(", deceased") if person.deceased else ""
        return f"{person.name}: {where}{dead}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("ring") is None:
            raise forms.ValidationError(
                gettext("Choose a ring: click it in the circle, or use its button."), code="ring"
            )
        person = self.people.get(data.get("person", ""))
        unplaced = person is not None and person.pk not in self.current
        if unplaced and data.get("target") == self.DESIRED:
            raise forms.ValidationError(
                gettext(
                    "Place %(name)s in a ring first, then say where the client would like them."
                )
                % {"name": person.name},
                code="unplaced",
            )
        data["chosen"] = person
        return data


class _ByNameIterator(ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for person in by_name(self.queryset):
            yield self.choice(person)


class PeopleField(forms.ModelMultipleChoiceField):
    iterator = _ByNameIterator

    def label_from_instance(self, obj: InventoryPerson) -> str:
        return f"{obj.name} ({obj.get_relationship_display().lower()})"


class TimelineEventForm(forms.ModelForm):
    """One life or interpersonal event, linked to mood and people (§1.3 task 6)."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    people = PeopleField(
        queryset=InventoryPerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("People involved"),
    )

    class Meta:
        model = TimelineEvent
        formfield_callback = sane_formfield
        fields = [
            "occurred_on",
            "approximate",
            "title",
            "detail",
            "mood",
            "is_onset",
            "major_change",
            "people",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "detail": forms.Textarea(attrs={"rows": 4}),
            "mood": forms.RadioSelect,
        }
        help_texts = {
            "is_onset": _("Only one event can mark the onset of the current depressive episode."),
        }

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["title"].required = True
        self.fields["title"].max_length = 200
        self.fields["people"].queryset = episode.people.all()
        self.fields["fingerprint"].initial = self.current_fingerprint()

    def current_fingerprint(self) -> str:
        event = self.instance
        if event.pk is None:
            return ""
        return fingerprint(
            event.occurred_on.isoformat(),
            event.approximate,
            event.title,
            event.detail,
            event.mood,
            event.is_onset,
            event.major_change,
            sorted(event.people.values_list("pk", flat=True)),
        )

    def clean_occurred_on(self) -> date:
        day = self.cleaned_data["occurred_on"]
        _not_in_future(day, _("The date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and data.get("fingerprint") != self.current_fingerprint():
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        if data.get("is_onset"):
            self._check_single_onset()
        return data

    def _check_single_onset(self) -> None:
        # §1.3 task 6: one onset anchors "near onset" for the whole episode.
        others = self.episode.timeline.filter(is_onset=True).exclude(pk=self.instance.pk)
        other = others.first()
        if other is not None:
            self.add_error(
                "is_onset",
                _(
                    "“%(title)s” (%(when)s) already marks the onset. Edit that event to "
                    "unmark it first, or leave this box clear."
                )
                % {"title": other.title, "when": other.occurred_on.isoformat()},
            )
