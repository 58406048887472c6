"""The interpersonal inventory and closeness circle (§1.6): CRUD, validation, versions, scope."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.core.fields import update_sealed
from rapport.core.models import AuditEvent
from rapport.ipt.models import ClosenessRating, InventoryPerson, TimelineEvent
from tests.factories import csrf_post, make_client, make_episode, signed_in

ENCRYPTED = [
    "name",
    "contact",
    "satisfying",
    "unsatisfying",
    "expectations_of_other",
    "expectations_of_client",
    "conflict",
    "can_discuss",
    "cannot_discuss",
    "desired_change",
]


def _url(name: str, cast: SimpleNamespace, **kwargs: Any) -> str:
    return reverse(name, kwargs={"public_id": cast.episode.public_id, **kwargs})


def _person_url(name: str, cast: SimpleNamespace, person: InventoryPerson) -> str:
    return _url(name, cast, person_id=person.public_id)


def _person(episode: Any, name: str = "Maria", **fields: Any) -> InventoryPerson:
    fields.setdefault("relationship", InventoryPerson.Relationship.PARTNER)
    return InventoryPerson.objects.create(episode=episode, name=name, **fields)


def _data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Maria",
        "relationship": "partner",
        "relationship_detail": "wife of 12 years",
        "contact": "Daily; cook together on Sundays",
        "satisfying": "She makes me laugh",
        "unsatisfying": "She works late",
        "expectations_of_other": "That she helps with the children",
        "expectations_of_client": "That I go back to work",
        "reciprocity": "non_reciprocal",
        "conflict": "Weekly arguments about money, unresolved",
        "can_discuss": "The children",
        "cannot_discuss": "Her mother",
        "desired_change": "Talk without shouting",
        "influence": "both",
        "linked_to_onset": "on",
        "died_on": "",
        "version": "1",
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


# --- the list ---------------------------------------------------------------------------


def test_it_explains_the_inventory_when_it_is_empty(cast: SimpleNamespace) -> None:
    page = signed_in(cast.therapist).get(_url("ipt:inventory", cast))
    html = page.content.decode()
    assert "No one in the inventory yet" in html
    assert "important relationships, past and present" in html
    assert _url("ipt:inventory_person_add", cast) in html


def test_it_lists_people_sorted_by_their_decrypted_names(cast: SimpleNamespace) -> None:
    for name in ["zoe", "Adam", "bella"]:
        _person(cast.episode, name)
    page = signed_in(cast.therapist).get(_url("ipt:inventory", cast))
    assert [p.name for p, _rating in page.context["rows"]] == ["Adam", "bella", "zoe"]


def test_it_shows_each_persons_essentials_at_a_glance(cast: SimpleNamespace) -> None:
    partner = _person(
        cast.episode,
        relationship_detail="husband",
        reciprocity="non_reciprocal",
        influence="stressor",
        linked_to_onset=True,
    )
    _person(cast.episode, "Grandpa", relationship="family", deceased=True, died_on=date(2026, 5, 2))
    ClosenessRating.objects.create(
        person=partner, ring=2, rated_on=date(2026, 9, 1), rated_by=cast.therapist
    )
    html = signed_in(cast.therapist).get(_url("ipt:inventory", cast)).content.decode()
    for text in [
        "husband",
        "Ring 2",
        "Mostly a stressor",
        "Non-reciprocal",
        "Linked to onset",
        "Died 2026-05-02",
    ]:
        assert text in html, text


def test_it_audits_the_list_without_content(cast: SimpleNamespace) -> None:
    _person(cast.episode, "Secretname")
    signed_in(cast.supervisor).get(_url("ipt:inventory", cast))
    event = AuditEvent.objects.get(action="ipt.inventory_person.listed", actor=cast.supervisor)
    assert event.subject_id == cast.client.public_id
    assert "Secretname" not in str(event.__dict__)


def test_the_supervisor_reads_but_sees_no_edit_actions(cast: SimpleNamespace) -> None:
    person = _person(cast.episode)
    http = signed_in(cast.supervisor)
    html = http.get(_person_url("ipt:inventory_person", cast, person)).content.decode()
    assert "Maria" in html
    assert "Remove from inventory" not in html
    assert "Add a person" not in http.get(_url("ipt:inventory", cast)).content.decode()


# --- adding -----------------------------------------------------------------------------


def test_it_adds_a_person_with_every_field_encrypted_and_audited(cast: SimpleNamespace) -> None:
    response = csrf_post(signed_in(cast.therapist), _url("ipt:inventory_person_add", cast), _data())
    assert response.status_code == 302
    person = InventoryPerson.objects.get(episode=cast.episode)
    assert person.relationship_detail == "wife of 12 years"
    assert person.expectations_of_client == "That I go back to work"
    assert person.reciprocity == "non_reciprocal"
    assert person.influence == "both"
    assert person.linked_to_onset is True
    with connection.cursor() as cursor:
        cursor.execute(
            # Constant column names; only the id is a parameter.
            f"SELECT {', '.join(ENCRYPTED)} FROM ipt_inventoryperson WHERE id = %s",  # noqa: S608
            [person.pk],
        )
        stored = cursor.fetchone()
    for column, value in zip(ENCRYPTED, stored, strict=True):
        assert getattr(person, column) not in value, column
    event = AuditEvent.objects.get(action="ipt.inventory_person.created")
    assert event.object_id == str(person.public_id)
    assert "satisfying" in event.fields
    assert "Maria" not in str(event.__dict__)


def test_it_requires_a_name_and_keeps_what_was_typed(cast: SimpleNamespace) -> None:
    response = csrf_post(
        signed_in(cast.therapist), _url("ipt:inventory_person_add", cast), _data(name="")
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Weekly arguments about money, unresolved" in response.content.decode()
    assert not InventoryPerson.objects.exists()


def test_it_refuses_a_date_of_death_without_deceased(cast: SimpleNamespace) -> None:
    response = csrf_post(
        signed_in(cast.therapist),
        _url("ipt:inventory_person_add", cast),
        _data(died_on="2026-05-02"),
    )
    assert response.status_code == 200
    assert "A date of death needs" in response.content.decode()
    assert not InventoryPerson.objects.exists()


def test_it_refuses_a_date_of_death_in_the_future(cast: SimpleNamespace) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = csrf_post(
        signed_in(cast.therapist),
        _url("ipt:inventory_person_add", cast),
        _data(deceased="on", died_on=tomorrow),
    )
    assert "The date of death cannot be in the future." in response.content.decode()
    assert not InventoryPerson.objects.exists()


def test_it_records_a_death(cast: SimpleNamespace) -> None:
    csrf_post(
        signed_in(cast.therapist),
        _url("ipt:inventory_person_add", cast),
        _data(name="Dad", relationship="parent", deceased="on", died_on="2026-05-02"),
    )
    person = InventoryPerson.objects.get()
    assert person.deceased is True
    assert person.died_on == date(2026, 5, 2)


# --- editing ----------------------------------------------------------------------------


def test_it_saves_an_edit_and_bumps_the_version(cast: SimpleNamespace) -> None:
    person = _person(cast.episode)
    url = _person_url("ipt:inventory_person_edit", cast, person)
    response = csrf_post(signed_in(cast.therapist), url, _data(conflict="Rarely now"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.conflict == "Rarely now"
    assert person.version == 2
    event = AuditEvent.objects.get(action="ipt.inventory_person.updated")
    assert "conflict" in event.fields
    assert "version" not in event.fields


def test_it_reports_a_conflict_and_keeps_the_typed_text(cast: SimpleNamespace) -> None:
    person = _person(cast.episode, conflict="Original")
    url = _person_url("ipt:inventory_person_edit", cast, person)
    # Someone else saved after this form was opened (version 1 → 2).
    update_sealed(InventoryPerson.objects.filter(pk=person.pk), conflict="Theirs", version=2)
    http = signed_in(cast.therapist)
    response = csrf_post(http, url, _data(conflict="Mine, typed carefully"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Mine, typed carefully" in html
    person.refresh_from_db()
    assert person.conflict == "Theirs"
    # Having seen the warning, a deliberate second save goes through.
    assert response.context["form"]["version"].value() == "2"
    again = csrf_post(http, url, _data(conflict="Mine, typed carefully", version="2"))
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.conflict == "Mine, typed carefully"


def test_opening_the_edit_form_is_audited_as_a_read(cast: SimpleNamespace) -> None:
    person = _person(cast.episode)
    signed_in(cast.therapist).get(_person_url("ipt:inventory_person_edit", cast, person))
    assert AuditEvent.objects.filter(action="ipt.inventory_person.viewed").count() == 1


# --- removing ---------------------------------------------------------------------------


def test_it_asks_for_confirmation_before_removing(cast: SimpleNamespace) -> None:
    person = _person(cast.episode)
    html = signed_in(cast.therapist).get(_person_url("ipt:inventory_person", cast, person))
    content = html.content.decode()
    assert 'data-confirm="Remove this person from the inventory?' in content
    assert _person_url("ipt:inventory_person_remove", cast, person) in content


def test_it_removes_a_person_softly_and_keeps_events(cast: SimpleNamespace) -> None:
    person = _person(cast.episode)
    ClosenessRating.objects.create(
        person=person, ring=1, rated_on=date(2026, 9, 1), rated_by=cast.therapist
    )
    event = TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 5, 1), title="Argument"
    )
    event.people.add(person)
    url = _person_url("ipt:inventory_person_remove", cast, person)
    response = csrf_post(signed_in(cast.therapist), url, {"version": "1"})
    assert response.status_code == 302
    assert not InventoryPerson.objects.filter(pk=person.pk).exists()
    assert InventoryPerson.with_removed.get(pk=person.pk).removed_by == cast.therapist
    assert TimelineEvent.objects.filter(pk=event.pk).exists()
    assert list(event.people.all()) == []
    removed = AuditEvent.objects.get(action="ipt.inventory_person.removed")
    assert removed.object_id == str(person.public_id)


def test_it_refuses_to_remove_a_person_changed_since_the_page_was_opened(
    cast: SimpleNamespace,
) -> None:
    person = _person(cast.episode, version=3)
    url = _person_url("ipt:inventory_person_remove", cast, person)
    response = csrf_post(signed_in(cast.therapist), url, {"version": "2"})
    assert response.status_code == 302
    assert InventoryPerson.objects.filter(pk=person.pk).exists()
    assert not AuditEvent.objects.filter(action="ipt.inventory_person.removed").exists()


# --- scope ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["colleague", "outsider"])
def test_other_therapists_cannot_reach_a_person(cast: SimpleNamespace, role: str) -> None:
    person = _person(cast.episode)
    http = signed_in(getattr(cast, role))
    assert http.get(_person_url("ipt:inventory_person", cast, person)).status_code == 404
    url = _person_url("ipt:inventory_person_edit", cast, person)
    assert csrf_post(http, url, _data(conflict="x")).status_code == 404
    url = _person_url("ipt:inventory_person_remove", cast, person)
    assert csrf_post(http, url, {"version": "1"}).status_code == 404
    assert InventoryPerson.objects.get(pk=person.pk).conflict == ""


@pytest.mark.parametrize("role", ["supervisor", "intake", "admin"])
def test_non_treating_roles_cannot_write(cast: SimpleNamespace, role: str) -> None:
    person = _person(cast.episode)
    http = signed_in(getattr(cast, role))
    assert csrf_post(http, _url("ipt:inventory_person_add", cast), _data()).status_code == 403
    url = _person_url("ipt:inventory_person_edit", cast, person)
    assert csrf_post(http, url, _data(conflict="x")).status_code == 403
    url = _person_url("ipt:inventory_person_remove", cast, person)
    assert csrf_post(http, url, {"version": "1"}).status_code == 403
    assert InventoryPerson.objects.count() == 1


def test_intake_cannot_read_the_inventory(cast: SimpleNamespace) -> None:
    assert signed_in(cast.intake).get(_url("ipt:inventory", cast)).status_code == 403


def test_a_person_of_another_episode_is_not_found_here(cast: SimpleNamespace) -> None:
    other = make_episode(make_client(cast.clinic, cast.therapist))
    stranger = _person(other)
    http = signed_in(cast.therapist)
    assert http.get(_person_url("ipt:inventory_person", cast, stranger)).status_code == 404


# --- the closeness circle ---------------------------------------------------------------


def _rate(
    cast: SimpleNamespace, occasion: str, rings: dict[InventoryPerson, Any], **extra: Any
) -> Any:
    url = _url("ipt:closeness_rate", cast, occasion=occasion)
    http = signed_in(cast.therapist)
    form = http.get(url).context["form"]
    data = {"rated_on": "2026-09-01", "fingerprint": form["fingerprint"].value()}
    for person, ring in rings.items():
        ring, desired = ring if isinstance(ring, tuple) else (ring, "")
        data[f"ring_{person.public_id}"] = ring
        data[f"desired_{person.public_id}"] = desired
    return csrf_post(http, url, data | extra)


def test_it_places_people_in_rings_and_draws_the_circle(cast: SimpleNamespace) -> None:
    maria, dad = _person(cast.episode, "Maria"), _person(cast.episode, "Dad", relationship="parent")
    response = _rate(cast, "intake", {maria: (1, 2), dad: 3})
    assert response.status_code == 302
    ratings = {r.person.name: r for r in ClosenessRating.objects.select_related("person")}
    assert (ratings["Maria"].ring, ratings["Maria"].desired_ring) == (1, 2)
    assert (ratings["Dad"].ring, ratings["Dad"].desired_ring) == (3, None)
    assert ratings["Dad"].rated_by == cast.therapist
    assert AuditEvent.objects.filter(action="ipt.closeness_rating.created").count() == 2

    html = signed_in(cast.supervisor).get(_url("ipt:closeness", cast)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img" aria-labelledby="circle-intake-title circle-intake-desc"' in html
    # The text alternative, ring by ring.
    assert "<strong>Ring 1 (closest):</strong> Maria" in html
    assert "would like them in ring 2" in html
    assert "<strong>Ring 3 (outer):</strong> Dad" in html


def test_it_compares_intake_with_termination(cast: SimpleNamespace) -> None:
    maria, dad, ann = (_person(cast.episode, name) for name in ("Maria", "Dad", "Ann"))
    _rate(cast, "intake", {maria: 3, dad: 1, ann: 2})
    _rate(cast, "termination", {maria: 1, dad: 2, ann: 2})
    page = signed_in(cast.therapist).get(_url("ipt:closeness", cast))
    moves = {m.person.name: (m.before, m.after, m.change) for m in page.context["movements"]}
    assert moves == {
        "Ann": (2, 2, "Same ring"),
        "Dad": (1, 2, "Moved further away"),
        "Maria": (3, 1, "Moved closer"),
    }
    html = page.content.decode()
    assert "Compared: at intake and at termination" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "circle-termination-title" in html


def test_it_changes_and_clears_a_rating(cast: SimpleNamespace) -> None:
    maria, dad = _person(cast.episode, "Maria"), _person(cast.episode, "Dad")
    _rate(cast, "intake", {maria: 1, dad: 2})
    _rate(cast, "intake", {maria: 2, dad: ""})
    assert list(ClosenessRating.objects.values_list("person__pk", "ring")) == [(maria.pk, 2)]
    assert AuditEvent.objects.get(action="ipt.closeness_rating.updated").fields == ["ring"]
    assert AuditEvent.objects.filter(action="ipt.closeness_rating.deleted").count() == 1


def test_it_needs_a_ring_before_a_desired_ring(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    response = _rate(cast, "intake", {maria: ("", 1)})
    assert response.status_code == 200
    assert "Place Maria in a ring first" in response.content.decode()
    assert not ClosenessRating.objects.exists()


def test_it_refuses_a_rating_date_in_the_future(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _rate(cast, "intake", {maria: 1}, rated_on=tomorrow)
    assert "The rating date cannot be in the future." in response.content.decode()
    assert not ClosenessRating.objects.exists()


def test_it_refuses_a_rating_saved_over_someone_elses(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode, "Maria")
    url = _url("ipt:closeness_rate", cast, occasion="intake")
    http = signed_in(cast.therapist)
    stale = http.get(url).context["form"]["fingerprint"].value()
    _rate(cast, "intake", {maria: 1})
    response = csrf_post(
        http, url, {"rated_on": "2026-09-01", "fingerprint": stale, f"ring_{maria.public_id}": "3"}
    )
    assert "Someone else changed this record" in response.content.decode()
    assert ClosenessRating.objects.get().ring == 1


def test_it_answers_404_for_an_unknown_occasion(cast: SimpleNamespace) -> None:
    url = _url("ipt:closeness_rate", cast, occasion="someday")
    assert signed_in(cast.therapist).get(url).status_code == 404


def test_the_circle_has_empty_states(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    assert "Nobody to place yet" in http.get(_url("ipt:closeness", cast)).content.decode()
    _person(cast.episode)
    html = http.get(_url("ipt:closeness", cast)).content.decode()
    assert "Nobody placed yet" in html
    assert _url("ipt:closeness_rate", cast, occasion="intake") in html


def test_the_supervisor_cannot_rate(cast: SimpleNamespace) -> None:
    maria = _person(cast.episode)
    url = _url("ipt:closeness_rate", cast, occasion="intake")
    response = csrf_post(
        signed_in(cast.supervisor), url, {"rated_on": "2026-09-01", f"ring_{maria.public_id}": "1"}
    )
    assert response.status_code == 403
    assert not ClosenessRating.objects.exists()


# --- queries ----------------------------------------------------------------------------


def _queries(http: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def _add_people(cast: SimpleNamespace, count: int) -> None:
    for n in range(count):
        person = _person(cast.episode, f"Person {n}", linked_to_onset=bool(n % 2))
        for occasion in ("intake", "termination"):
            ClosenessRating.objects.create(
                person=person,
                occasion=occasion,
                ring=n % 3 + 1,
                rated_on=date(2026, 9, 1),
                rated_by=cast.therapist,
            )


@pytest.mark.parametrize(
    "url_name", ["ipt:inventory", "ipt:closeness", "ipt:closeness_rate", "ipt:inventory_person"]
)
def test_page_queries_do_not_grow_with_the_number_of_people(
    cast: SimpleNamespace, url_name: str
) -> None:
    _add_people(cast, 2)
    first = InventoryPerson.objects.first()
    kwargs = {
        "ipt:closeness_rate": {"occasion": "intake"},
        "ipt:inventory_person": {"person_id": first.public_id},
    }.get(url_name, {})
    http = signed_in(cast.therapist)
    url = _url(url_name, cast, **kwargs)
    http.get(url)  # warm the session
    small = _queries(http, url)
    _add_people(cast, 25)
    assert _queries(http, url) == small


def test_removal_is_soft_and_recorded(cast) -> None:
    from rapport.ipt.models import InventoryPerson, TimelineEvent

    person = InventoryPerson.objects.create(
        episode=cast.episode, name="Aunt May", relationship="family"
    )
    event = TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=cast.episode.started_on, title="Moved house"
    )
    event.people.add(person)
    person.remove(cast.therapist)
    assert not cast.episode.people.exists()  # hidden everywhere the episode's people are read
    assert list(event.people.all()) == []
    kept = InventoryPerson.with_removed.get(pk=person.pk)
    assert kept.name == "Aunt May"
    assert kept.removed_by == cast.therapist
