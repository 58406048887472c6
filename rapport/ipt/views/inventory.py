"""The interpersonal inventory and the closeness circle (§1.3 task 5, §1.6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt.closeness import Person, render_circle, render_picker
from rapport.ipt.forms.inventory import (
    ClosenessForm,
    InventoryPersonForm,
    PlaceForm,
    by_name,
    ring_label,
)
from rapport.ipt.models import ClosenessRating, Episode, InventoryPerson
from rapport.ipt.models.inventory import CLOSENESS_RINGS
from rapport.ipt.views.base import episode_context, get_episode

Occasion = ClosenessRating.Occasion
OCCASIONS = list(Occasion)  # chronological: intake, review, termination
RATING_FIELDS = ("ring", "desired_ring", "rated_on")


def _person(episode: Episode, person_id: uuid.UUID) -> InventoryPerson:
    """A person of this (already scoped) episode; anything else is a 404."""
    return get_object_or_404(episode.people, public_id=person_id)


def latest_rating(person: InventoryPerson) -> ClosenessRating | None:
    """The most recent occasion's rating (uses prefetched ratings)."""
    ratings = sorted(person.ratings.all(), key=lambda r: OCCASIONS.index(r.occasion))
    return ratings[-1] if ratings else None


@requires(Capability.VIEW_CLINICAL)
def inventory(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    people = by_name(episode.people.prefetch_related("ratings"))
    audit.record(request, "ipt.inventory_person.listed", episode)
    rows = [(person, latest_rating(person)) for person in people]
    return render(
        request,
        "ipt/inventory/list.html",
        episode_context(request, episode, "inventory", rows=rows),
    )


@requires(Capability.VIEW_CLINICAL)
def person_detail(request: HttpRequest, public_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    person = _person(episode, person_id)
    audit.record(request, "ipt.inventory_person.viewed", person)
    ratings = sorted(person.ratings.all(), key=lambda r: OCCASIONS.index(r.occasion))
    context = episode_context(
        request,
        episode,
        "inventory",
        person=person,
        ratings=[
            (r, ring_label(r.ring), r.desired_ring and ring_label(r.desired_ring)) for r in ratings
        ],
        events=list(person.events.all()),
    )
    return render(request, "ipt/inventory/detail.html", context)


@requires(Capability.EDIT_CLINICAL)
def person_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = InventoryPersonForm(request.POST or None, instance=InventoryPerson(episode=episode))
    if request.method == "POST" and form.is_valid():
        person = form.save()
        audit.record(request, "ipt.inventory_person.created", person, fields=form.changed_fields())
        messages.success(request, _("Person added to the inventory."))
        return redirect("ipt:inventory", public_id=episode.public_id)
    context = episode_context(request, episode, "inventory", form=form, adding=True)
    return render(request, "ipt/inventory/form.html", context)


@requires(Capability.EDIT_CLINICAL)
def person_edit(request: HttpRequest, public_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    person = _person(episode, person_id)
    form = InventoryPersonForm(request.POST or None, instance=person)
    if request.method == "POST":
        if form.is_valid() and form.save_if_current():
            audit.record(
                request, "ipt.inventory_person.updated", person, fields=form.changed_fields()
            )
            messages.success(request, _("Changes saved."))
            return redirect(
                "ipt:inventory_person", public_id=episode.public_id, person_id=person_id
            )
    else:
        audit.record(request, "ipt.inventory_person.viewed", person)
    context = episode_context(request, episode, "inventory", form=form, person=person)
    return render(request, "ipt/inventory/form.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def person_remove(request: HttpRequest, public_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    person = _person(episode, person_id)
    if request.POST.get("version") != str(person.version):
        # Never remove a person on the strength of a page that no longer shows them as they are.
        messages.error(
            request,
            _(
                "This person was changed after you opened the page. "
                "Review the changes, then remove."
            ),
        )
        return redirect("ipt:inventory_person", public_id=episode.public_id, person_id=person_id)
    audit.record(request, "ipt.inventory_person.removed", person)
    person.remove(request.user)
    messages.success(
        request,
        _("Person removed from the inventory. Timeline events stay."),
    )
    return redirect("ipt:inventory", public_id=episode.public_id)


# --- the closeness circle -------------------------------------------------------------


@dataclass
class Circle:
    """One occasion's circle: the picture and its text alternative."""

    occasion: str
    label: str
    ratings: list[tuple[InventoryPerson, ClosenessRating]]
    svg: SafeString
    rings: list[tuple[str, list[tuple[InventoryPerson, ClosenessRating]]]]

    @property
    def rated_on(self) -> object:
        return max(rating.rated_on for _person, rating in self.ratings)


def _circle(
    occasion: str, ratings: list[tuple[InventoryPerson, ClosenessRating]], id_prefix: str
) -> Circle:
    label = str(Occasion(occasion).label)
    svg = render_circle(
        [
            Person(person.name, rating.ring, rating.desired_ring, person.deceased)
            for person, rating in ratings
        ],
        title=_("Closeness circle: %(occasion)s") % {"occasion": label.lower()},
        description=_(
            "The client at the centre; %(count)s people in %(rings)s rings, ring 1 the closest. "
            "A cross marks a person who has died; an arrow points to where the client would "
            "like a person to be. The same placements follow as a table."
        )
        % {"count": len(ratings), "rings": CLOSENESS_RINGS},
        centre_label=_("Client"),
        id_prefix=id_prefix,
    )
    rings = [
        (ring_label(ring), [(person, rating) for person, rating in ratings if rating.ring == ring])
        for ring in range(1, CLOSENESS_RINGS + 1)
    ]
    # The SVG is built by our own function, which escapes every label.
    return Circle(occasion, label, ratings, mark_safe(svg), rings)  # noqa: S308


def circles_for(people: list[InventoryPerson]) -> dict[str, Circle]:
    """Every occasion that has at least one rating, in chronological order."""
    circles = {}
    for occasion in OCCASIONS:
        ratings = [
            (person, rating)
            for person in people
            for rating in person.ratings.all()
            if rating.occasion == occasion
        ]
        if ratings:
            circles[occasion] = _circle(occasion, ratings, f"circle-{occasion}")
    return circles


@dataclass
class Movement:
    person: InventoryPerson
    before: int | None
    after: int | None

    @property
    def change(self) -> str:
        if self.before is None:
            return _("Newly placed")
        if self.after is None:
            return _("Not placed this time")
        if self.after < self.before:
            return _("Moved closer")
        if self.after > self.before:
            return _("Moved further away")
        return _("Same ring")

    @property
    def direction(self) -> str:
        if self.before is None or self.after is None or self.before == self.after:
            return "same"
        return "closer" if self.after < self.before else "further"


def movements(first: Circle, later: Circle, people: list[InventoryPerson]) -> list[Movement]:
    before = {person.pk: rating.ring for person, rating in first.ratings}
    after = {person.pk: rating.ring for person, rating in later.ratings}
    return [
        Movement(person, before.get(person.pk), after.get(person.pk))
        for person in people
        if person.pk in before or person.pk in after
    ]


@requires(Capability.VIEW_CLINICAL)
def closeness(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    people = by_name(episode.people.prefetch_related("ratings"))
    audit.record(request, "ipt.closeness_rating.listed", episode)
    circles = circles_for(people)
    first = circles.get(Occasion.INTAKE)
    # §1.6: re-rating at termination (or a mid-treatment review) against intake.
    later = circles.get(Occasion.TERMINATION) or circles.get(Occasion.REVIEW)
    compare = (first, later) if first and later else None
    context = episode_context(
        request,
        episode,
        "inventory",
        people=people,
        any_rated=bool(circles),
        # A compared circle is shown once, in the comparison (ids stay unique).
        circles=[circle for circle in circles.values() if circle not in (compare or ())],
        occasions=[(occasion, occasion in circles) for occasion in OCCASIONS],
        compare=compare,
        movements=movements(first, later, people) if compare else [],
    )
    return render(request, "ipt/inventory/closeness.html", context)


def _rating_page(
    request: HttpRequest,
    episode: Episode,
    occasion: str,
    *,
    form: ClosenessForm | None = None,
    place_form: PlaceForm | None = None,
    placed: str = "",
    status: int = 200,
) -> HttpResponse:
    """The placing page: click a ring, or choose rings in the list (the keyboard path)."""
    people = by_name(episode.people.all())
    current = _current(episode, occasion)
    by_pk = {person.pk: person for person in people}
    picker = render_picker(
        [
            Person(by_pk[pk].name, rating.ring, rating.desired_ring, by_pk[pk].deceased)
            for pk, rating in current.items()
            if pk in by_pk
        ]
    )
    context = episode_context(
        request,
        episode,
        "inventory",
        form=form or ClosenessForm(people=people, current=current),
        place_form=place_form or PlaceForm(people=people, current=current),
        picker=mark_safe(picker),  # noqa: S308  (no text at all: rings and dots)
        ring_buttons=[(ring, ring_label(ring)) for ring in range(1, CLOSENESS_RINGS + 1)],
        occasion=Occasion(occasion),
        people=people,
        placed=placed,
    )
    return render(request, "ipt/inventory/closeness_form.html", context, status=status)


def _current(episode: Episode, occasion: str) -> dict[int, ClosenessRating]:
    return {
        rating.person_id: rating
        for rating in ClosenessRating.objects.filter(person__episode=episode, occasion=occasion)
    }


@requires(Capability.EDIT_CLINICAL)
def closeness_rate(request: HttpRequest, public_id: uuid.UUID, occasion: str) -> HttpResponse:
    if occasion not in Occasion.values:
        raise Http404
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    if request.method != "POST":
        audit.record(request, "ipt.closeness_rating.viewed", episode)
        return _rating_page(request, episode, occasion)
    people = by_name(episode.people.all())
    form = ClosenessForm(request.POST, people=people, current=_current(episode, occasion))
    if form.is_valid():
        _save_ratings(request, form, occasion)
        messages.success(request, _("Closeness circle saved."))
        return redirect("ipt:closeness", public_id=episode.public_id)
    return _rating_page(request, episode, occasion, form=form)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def closeness_place(request: HttpRequest, public_id: uuid.UUID, occasion: str) -> HttpResponse:
    """One person into the clicked ring; with htmx the placing page comes back in place."""
    if occasion not in Occasion.values:
        raise Http404
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    current = _current(episode, occasion)
    form = PlaceForm(request.POST, people=by_name(episode.people.all()), current=current)
    htmx = bool(request.headers.get("HX-Request"))
    if not form.is_valid():  # htmx swaps only a 2xx answer: the refusal must show in place
        status = 200 if htmx else 400
        return _rating_page(request, episode, occasion, place_form=form, status=status)
    person, ring = form.cleaned_data["chosen"], form.cleaned_data["ring"]
    desired = form.cleaned_data["target"] == PlaceForm.DESIRED
    _place(request, person, occasion, current, ring, desired=desired)
    text = (
        _("%(name)s: the client would like them in %(ring)s.")
        if desired
        else _("%(name)s placed in %(ring)s.")
    ) % {"name": person.name, "ring": ring_label(ring).lower()}
    if htmx:
        return _rating_page(request, episode, occasion, placed=text)
    messages.success(request, text)
    return redirect("ipt:closeness_rate", public_id=episode.public_id, occasion=occasion)


def _place(
    request: HttpRequest,
    person: InventoryPerson,
    occasion: str,
    current: dict[int, ClosenessRating],
    ring: int,
    *,
    desired: bool,
) -> None:
    rating = current.get(person.pk)
    if rating is None:  # a new placement takes the occasion's date, or today
        dates = [r.rated_on for r in current.values()]
        ClosenessRating.objects.create(
            person=person,
            occasion=occasion,
            ring=ring,
            rated_on=max(dates) if dates else timezone.localdate(),
            rated_by=request.user,
        )
        audit.record(request, "ipt.closeness_rating.created", person, fields=RATING_FIELDS)
        return
    field = "desired_ring" if desired else "ring"
    if getattr(rating, field) != ring:
        ClosenessRating.objects.filter(pk=rating.pk).update(rated_by=request.user, **{field: ring})
        audit.record(request, "ipt.closeness_rating.updated", person, fields=[field])


def _save_ratings(request: HttpRequest, form: ClosenessForm, occasion: str) -> None:
    """Apply the placements; audit each person whose rating changed (names of fields only)."""
    rated_on = form.cleaned_data["rated_on"]
    for person, (ring, desired) in form.placements().items():
        rating = form.current.get(person.pk)
        if ring is None:
            if rating is not None:
                rating.delete()
                audit.record(request, "ipt.closeness_rating.deleted", person, fields=RATING_FIELDS)
            continue
        values = {"ring": ring, "desired_ring": desired, "rated_on": rated_on}
        if rating is None:
            ClosenessRating.objects.create(
                person=person, occasion=occasion, rated_by=request.user, **values
            )
            audit.record(request, "ipt.closeness_rating.created", person, fields=RATING_FIELDS)
            continue
        changed = [name for name, value in values.items() if getattr(rating, name) != value]
        if changed:
            ClosenessRating.objects.filter(pk=rating.pk).update(rated_by=request.user, **values)
            audit.record(request, "ipt.closeness_rating.updated", person, fields=changed)
