"""Placing a person by clicking a ring of the closeness circle (§1.6), and what the circle
page marks: deceased people, where the client would like a person, the legend."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.ipt.models import ClosenessRating, InventoryPerson
from tests.factories import csrf_post, make_client, make_episode, signed_in


def _person(episode: Any, name: str, **fields: Any) -> InventoryPerson:
    fields.setdefault("relationship", InventoryPerson.Relationship.FRIEND)
    return InventoryPerson.objects.create(episode=episode, name=name, **fields)


def _place(cast: SimpleNamespace, person: InventoryPerson, ring: Any, **extra: Any) -> Any:
    url = reverse("ipt:closeness_place", args=[cast.episode.public_id, "intake"])
    data = {"place-person": str(person.public_id), "place-target": "ring", "place-ring": ring}
    http = signed_in(extra.pop("user", cast.therapist))
    headers = {"HTTP_HX_REQUEST": "true"} if extra.pop("htmx", False) else {}
    return csrf_post(http, url, data | extra, **headers)


def _rate(cast: SimpleNamespace, person: InventoryPerson, ring: int, **fields: Any) -> None:
    ClosenessRating.objects.create(
        person=person,
        occasion="intake",
        ring=ring,
        rated_on=fields.pop("rated_on", date(2026, 9, 1)),
        rated_by=cast.therapist,
        **fields,
    )


def test_clicking_a_ring_places_the_chosen_person(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _place(cast, maria, 2)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "ipt:closeness_rate", args=[cast.episode.public_id, "intake"]
    )
    rating = ClosenessRating.objects.get()
    assert (rating.person, rating.ring, rating.desired_ring) == (maria, 2, None)
    zone = ZoneInfo(cast.therapist.time_zone or cast.therapist.clinic.time_zone)
    assert rating.rated_on == timezone.localdate(timezone=zone)  # the therapist's today
    assert AuditEvent.objects.filter(action="ipt.closeness_rating.created").count() == 1
    page = response.client.get(response["Location"]).content.decode()
    assert "Maria placed in ring 2." in page


def test_a_new_placement_takes_the_occasions_date(cast: SimpleNamespace) -> None:
    _rate(cast, _person(cast.episode, "Ann"), 1, rated_on=date(2026, 9, 3))
    _place(cast, _person(cast.episode, "Bea"), 3)
    assert ClosenessRating.objects.count() == 2
    dates = set(ClosenessRating.objects.values_list("rated_on", flat=True))
    assert dates == {date(2026, 9, 3)}


def test_clicking_again_moves_the_person_and_records_the_change(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    _rate(cast, maria, 3)
    _place(cast, maria, 1)
    assert ClosenessRating.objects.get().ring == 1
    assert AuditEvent.objects.get(action="ipt.closeness_rating.updated").fields == ["ring"]


def test_clicking_a_ring_can_set_where_the_client_would_like_them(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    _rate(cast, maria, 3)
    response = _place(cast, maria, 1, **{"place-target": "desired"})
    assert response.status_code == 302
    rating = ClosenessRating.objects.get()
    assert (rating.ring, rating.desired_ring) == (3, 1)
    assert AuditEvent.objects.get(action="ipt.closeness_rating.updated").fields == ["desired_ring"]


def test_a_desired_ring_needs_a_placement_first(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _place(cast, maria, 1, **{"place-target": "desired"})
    assert response.status_code == 400
    assert "Place Maria in a ring first" in response.content.decode()
    assert not ClosenessRating.objects.exists()


def test_no_ring_or_a_made_up_ring_places_nobody(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _place(cast, maria, "")
    assert response.status_code == 400
    assert "Choose a ring: click it in the circle, or use its button." in response.content.decode()
    assert _place(cast, maria, "9").status_code == 400
    assert not ClosenessRating.objects.exists()


def test_a_person_of_another_episode_cannot_be_placed_here(cast: SimpleNamespace) -> None:
    stranger = _person(make_episode(make_client(cast.clinic, cast.therapist)), "Stranger")
    _person(cast.episode, "Maria")
    assert _place(cast, stranger, 1).status_code == 400
    assert not ClosenessRating.objects.exists()


def test_the_supervisor_cannot_place(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    assert _place(cast, maria, 1, user=cast.supervisor).status_code == 403
    assert not ClosenessRating.objects.exists()


def test_with_htmx_the_placing_page_comes_back_with_the_news(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _place(cast, maria, 2, htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="status-line" role="status">Maria placed in ring 2.</p>' in html
    assert "Maria: ring 2" in html  # the chooser shows the new ring


def test_with_htmx_a_refusal_comes_back_in_place(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _place(cast, maria, 1, htmx=True, **{"place-target": "desired"})
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert "Place Maria in a ring first" in response.content.decode()
    assert not ClosenessRating.objects.exists()


def test_the_placing_page_preselects_the_first_person_not_yet_placed(
    cast: SimpleNamespace,
) -> None:
    ann, bea = _person(cast.episode, "Ann"), _person(cast.episode, "Bea")
    _rate(cast, ann, 1)
    url = reverse("ipt:closeness_rate", args=[cast.episode.public_id, "intake"])
    form = signed_in(cast.therapist).get(url).context["place_form"]
    assert form["person"].value() == str(bea.public_id)
    html = signed_in(cast.therapist).get(url).content.decode()
    for label in ("Ring 1 (closest)", "Ring 2", "Ring 3 (outer)"):
        assert f'<span class="ring-button-text">{label}</span>' in html


def test_the_circle_marks_the_deceased_and_the_desired_ring_with_a_legend(
    cast: SimpleNamespace,
) -> None:
    _rate(cast, _person(cast.episode, "Grandma", deceased=True), 2)
    _rate(cast, _person(cast.episode, "Maria"), 3, desired_ring=1)
    html = signed_in(cast.therapist).get(reverse("ipt:closeness", args=[cast.episode.public_id]))
    html = html.content.decode()
    assert 'class="deceased-mark"' in html
    assert "Grandma †" in html
    assert 'class="desired" data-ring="1"' in html
    assert 'Grandma <span class="muted">(deceased)</span>' in html  # the text alternative
    assert 'Maria <span class="muted">(would like them in ring 1)</span>' in html
    assert 'aria-label="Key to the circle"' in html
