"""The client list and a client's record print names and details, never the encrypted
background, and cost the same however many clients and however long their history."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.urls import reverse

from rapport.clients.models import Client
from rapport.clients.paperwork import current_documents
from tests.factories import signed_in
from tests.history import past_appointments, phq9_responses, signed_notes
from tests.page_cost import PageCost, page_cost

LIST = reverse("clients:list")


def more_clients(cast: SimpleNamespace, count: int) -> None:
    Client.objects.bulk_create(
        Client(
            clinic=cast.clinic,
            assigned_therapist=cast.therapist,
            given_name=f"Many{n}",
            family_name="Caseload",
            date_of_birth=date(1980, 1, 1),
            background="History nobody lists.",
        )
        for n in range(count)
    )


def test_the_client_list_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    small = page_cost(http, LIST)
    more_clients(cast, 120)  # more than two pages
    assert page_cost(http, LIST) == small
    assert page_cost(http, LIST + "?page=3") == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 count,
    # 8 audit insert, 9 page of clients with therapists, 10 release, 11-13 session save.
    assert small == PageCost(queries=13, decrypted=0)


def test_the_client_record_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    url = reverse("clients:detail", args=[cast.client.public_id])
    current_documents(cast.clinic)  # the clinic's intake paperwork
    small = page_cost(http, url)
    signed_notes(cast.episode, 200)
    past_appointments(cast.client, 200)
    phq9_responses(cast.client, 200)
    assert page_cost(http, url) == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 the client
    # with their therapist (background deferred), 8 audit insert, 9 may edit details
    # (intake holds no clinical reach: no query for that), the header's 10 current
    # episode and 11 next appointment, the paperwork's 12 current documents and
    # 13 the client's signatures, the portal access section's 14 accounts (who may invite
    # is 9's answer, kept for the request), 15 release, 16-18 session save.
    assert small == PageCost(queries=18, decrypted=0)
