"""The log of ad-hoc contacts with parents (issue 15 item 2, variants.md §1.2, §1.6)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.catalogue import Variant
from rapport.ipt.models import CaregiverContact, Participant
from tests.factories import csrf_post, make_client, make_episode, signed_in
from tests.page_cost import PageCost, page_cost

# Measured with 25 and with 65 contacts: one page of 20 rows opens each row's parent name
# and relationship and its summary, and the form's parents; it never grows with the log.
PINNED = PageCost(queries=20, decrypted=86)


@pytest.fixture
def teen(cast: SimpleNamespace) -> SimpleNamespace:
    client = make_client(cast.clinic, cast.therapist, given_name="Ines")
    episode = make_episode(client, variant=Variant.ADOLESCENT)
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Paula Costa",
        relationship="mother",
        contact="555 0103",
        added_by=cast.therapist,
    )
    return SimpleNamespace(
        client=client,
        episode=episode,
        parent=parent,
        url=reverse("ipt:caregiver_contacts", args=[episode.public_id]),
    )


def _contact(teen: SimpleNamespace, **data: object) -> dict[str, object]:
    return {
        "contact-participant": str(teen.parent.pk),
        "contact-contact_on": "2026-09-10",
        "contact-mode": "phone",
        "contact-initiated_by": "parent",
        "contact-category": "progress",
        "contact-client_informed": "yes",
        "contact-summary": "Asked how school is going; agreed to talk at session 6.",
    } | data


def test_a_contact_is_logged_encrypted_and_audited(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    http = signed_in(cast.therapist)
    response = csrf_post(http, teen.url, _contact(teen))
    assert response.status_code == 302
    contact = CaregiverContact.objects.get(episode=teen.episode)
    assert contact.participant == teen.parent
    assert contact.recorded_by == cast.therapist
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM ipt_caregivercontact WHERE id = %s", [contact.pk])
        assert "school" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="ipt.caregiver_contact.added")
    assert "school" not in str(event.__dict__)
    page = http.get(teen.url).content.decode()
    assert "Paula Costa (mother)" in page
    assert "agreed to talk at session 6" in page
    assert AuditEvent.objects.filter(action="ipt.caregiver_contacts.viewed").exists()


def test_not_telling_the_young_person_needs_a_reason(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    data = _contact(teen, **{"contact-client_informed": "no"})
    response = csrf_post(signed_in(cast.therapist), teen.url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say why the young person was not told" in body
    assert "agreed to talk at session 6" in body  # what was typed stays
    assert not CaregiverContact.objects.exists()


def test_a_future_date_and_an_empty_summary_are_refused(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    data = _contact(teen, **{"contact-contact_on": "2099-01-01", "contact-summary": ""})
    response = csrf_post(signed_in(cast.therapist), teen.url, data)
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert not CaregiverContact.objects.exists()


def test_a_parent_of_another_episode_is_refused(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    stranger = Participant.objects.create(
        episode=cast.episode,
        role="parent_caregiver",
        name="Someone Else",
        relationship="father",
        contact="x",
        added_by=cast.therapist,
    )
    data = _contact(teen, **{"contact-participant": str(stranger.pk)})
    response = csrf_post(signed_in(cast.therapist), teen.url, data)
    assert response.status_code == 400
    assert not CaregiverContact.objects.exists()


def test_the_log_is_paged_newest_first(cast: SimpleNamespace, teen: SimpleNamespace) -> None:
    for day in range(1, 23):
        CaregiverContact.objects.create(
            episode=teen.episode,
            participant=teen.parent,
            contact_on=f"2026-09-{day:02d}",
            mode="phone",
            initiated_by="therapist",
            category="scheduling",
            client_informed="yes",
            summary=f"call {day}",
            recorded_by=cast.therapist,
        )
    http = signed_in(cast.therapist)
    first = http.get(teen.url).content.decode()
    assert "2026-09-22" in first
    assert "2026-09-02" not in first
    assert "2026-09-01" in http.get(teen.url + "?page=2").content.decode()


def test_others_cannot_read_or_write_the_log(cast: SimpleNamespace, teen: SimpleNamespace) -> None:
    assert signed_in(cast.outsider).get(teen.url).status_code == 404
    assert signed_in(cast.colleague).get(teen.url).status_code == 404
    response = csrf_post(signed_in(cast.colleague), teen.url, _contact(teen))
    assert response.status_code == 404
    assert not CaregiverContact.objects.exists()


def test_a_closed_episode_takes_no_new_contact(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    teen.episode.status = teen.episode.Status.CLOSED
    teen.episode.save(update_fields=["status"])
    response = csrf_post(signed_in(cast.therapist), teen.url, _contact(teen))
    assert response.status_code == 403
    assert not CaregiverContact.objects.exists()


def _log(cast: SimpleNamespace, teen: SimpleNamespace, count: int) -> None:
    for n in range(count):
        CaregiverContact.objects.create(
            episode=teen.episode,
            participant=teen.parent,
            contact_on="2026-09-01",
            mode="message",
            initiated_by="therapist",
            category="attendance",
            client_informed="yes",
            summary=f"message {n}",
            recorded_by=cast.therapist,
        )


def test_the_log_costs_the_same_however_long_it_grows(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    http = signed_in(cast.therapist)
    _log(cast, teen, 25)
    short = page_cost(http, teen.url)
    _log(cast, teen, 40)
    long = page_cost(http, teen.url)
    assert long == short
    assert short == PINNED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact-contact_on", "0001-01-01"),
        ("contact-contact_on", "99999-12-31"),
        ("contact-participant", "-1"),
        ("contact-mode", "x" * 100_000),
        ("contact-client_informed", ["yes", "no"]),
    ],
)
def test_malformed_input_is_refused_with_a_message_and_changes_nothing(
    cast: SimpleNamespace, teen: SimpleNamespace, field: str, value: object
) -> None:
    response = csrf_post(signed_in(cast.therapist), teen.url, _contact(teen, **{field: value}))
    assert response.status_code == 400
    assert 'class="field-message"' in response.content.decode()
    assert not CaregiverContact.objects.exists()
