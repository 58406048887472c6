"""The client record: scoped lists, audited reads, versioned edits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.clients.models import Client
from rapport.core.models import AuditEvent
from tests.factories import csrf_post, make_client, signed_in
from tests.page_cost import PageCost, page_cost

LIST = reverse("clients:list")


def _form_data(client: Client, **changes: object) -> dict[str, object]:
    data = {
        "given_name": client.given_name,
        "family_name": client.family_name,
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "email": client.email,
        "phone": client.phone,
        "preferred_channel": client.preferred_channel,
        "assigned_therapist": client.assigned_therapist_id or "",
        "version": client.version,
    }
    return data | changes


def test_therapists_list_only_their_own_clients(cast: SimpleNamespace) -> None:
    page = signed_in(cast.therapist).get(LIST)
    assert list(page.context["page"].object_list) == [cast.client]


def test_intake_lists_the_whole_clinic_and_nothing_else(cast: SimpleNamespace) -> None:
    page = signed_in(cast.intake).get(LIST)
    assert set(page.context["page"].object_list) == {cast.client, cast.colleague_client}


def test_supervisors_list_their_supervisees_clients(cast: SimpleNamespace) -> None:
    page = signed_in(cast.supervisor).get(LIST)
    assert list(page.context["page"].object_list) == [cast.client]


def test_search_stays_inside_the_scope(cast: SimpleNamespace) -> None:
    page = signed_in(cast.colleague).get(LIST, {"q": cast.client.family_name})
    assert list(page.context["page"].object_list) == []
    assert "No clients match" in page.content.decode()


def test_archived_clients_disappear(cast: SimpleNamespace) -> None:
    from django.utils import timezone

    Client.objects.filter(pk=cast.client.pk).update(archived_at=timezone.now())
    url = reverse("clients:detail", args=[cast.client.public_id])
    assert signed_in(cast.therapist).get(url).status_code == 404


def test_viewing_a_client_is_audited(cast: SimpleNamespace) -> None:
    signed_in(cast.intake).get(reverse("clients:detail", args=[cast.client.public_id]))
    assert AuditEvent.objects.filter(
        action="clients.client.viewed", actor=cast.intake, subject_id=cast.client.public_id
    ).exists()


def test_intake_adds_a_client(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    data = {
        "given_name": "Robin",
        "family_name": "Newcomer",
        "date_of_birth": "1990-05-01",
        "email": "robin@example.com",
        "preferred_channel": "email",
        "assigned_therapist": cast.therapist.pk,
    }
    response = csrf_post(http, reverse("clients:create"), data)
    client = Client.objects.get(family_name="Newcomer")
    assert response.url == reverse("clients:detail", args=[client.public_id])
    assert client.clinic == cast.clinic
    assert AuditEvent.objects.filter(action="clients.client.created").exists()


def test_bad_input_changes_nothing_and_keeps_what_was_typed(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("clients:edit", args=[cast.client.public_id])
    data = _form_data(cast.client, date_of_birth="2099-01-01", preferred_name="Jo")
    response = csrf_post(http, url, data)
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert 'value="Jo"' in response.content.decode()
    cast.client.refresh_from_db()
    assert cast.client.preferred_name == ""


def test_a_preferred_channel_needs_its_contact_detail(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("clients:edit", args=[cast.client.public_id])
    response = csrf_post(http, url, _form_data(cast.client, preferred_channel="text", phone=""))
    assert "Add a phone number" in response.content.decode()


def test_a_stale_edit_is_refused_not_overwritten(cast: SimpleNamespace) -> None:
    url = reverse("clients:edit", args=[cast.client.public_id])
    opened = _form_data(cast.client)
    csrf_post(signed_in(cast.intake), url, opened | {"phone": "555-0100"})
    response = csrf_post(signed_in(cast.therapist), url, opened | {"preferred_name": "Jojo"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    cast.client.refresh_from_db()
    assert (cast.client.phone, cast.client.preferred_name, cast.client.version) == (
        "555-0100",
        "",
        2,
    )


def test_the_therapist_writes_the_encrypted_background(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("clients:clinical_edit", args=[cast.client.public_id])
    response = csrf_post(http, url, {"background": "New history", "version": cast.client.version})
    assert response.status_code == 302
    page = http.get(reverse("clients:clinical", args=[cast.client.public_id]))
    assert "New history" in page.content.decode()


def test_supervisors_read_but_do_not_write_the_background(cast: SimpleNamespace) -> None:
    http = signed_in(cast.supervisor)
    page = http.get(reverse("clients:clinical", args=[cast.client.public_id]))
    assert "Grief after a loss" in page.content.decode()
    assert (
        reverse("clients:clinical_edit", args=[cast.client.public_id]) not in page.content.decode()
    )


@pytest.mark.parametrize("url_name", ["clients:list", "core:dashboard"])
def test_page_queries_do_not_grow_with_caseload(cast: SimpleNamespace, url_name: str) -> None:
    http = signed_in(cast.therapist)
    url = reverse(url_name)
    small = page_cost(http, url)
    for _ in range(30):
        make_client(cast.clinic, cast.therapist, background="Not for lists.")
    assert page_cost(http, url) == small
    assert small.decrypted == 0


def test_the_client_list_query_count_is_pinned(cast: SimpleNamespace) -> None:
    # 1 session, 2 user, 3 OTP device, 4 clinic (time zone), 5 savepoint (atomic request),
    # 6 roles, 7 count, 8 audit insert (unsealed: no lock, no read of the chain),
    # 9 page of clients with therapists, 10 release, 11-13 session save (idle clock).
    # Names are plain columns; the encrypted background is never loaded.
    assert page_cost(signed_in(cast.therapist), LIST) == PageCost(queries=13, decrypted=0)


def test_an_invalid_email_gets_one_clear_message(cast: SimpleNamespace) -> None:
    url = reverse("clients:edit", args=[cast.client.public_id])
    response = csrf_post(signed_in(cast.therapist), url, _form_data(cast.client, email="ada@"))
    form = response.context["form"]
    assert form.errors["email"] == ["Enter a valid email address."]
