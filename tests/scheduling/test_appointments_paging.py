"""A client's past appointments: latest first, twenty a page, the same cost at any length."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from tests.factories import signed_in
from tests.history import past_appointments
from tests.page_cost import PageCost, page_cost


def url(cast: SimpleNamespace) -> str:
    return reverse("scheduling:client_appointments", args=[cast.client.public_id])


def test_it_lists_the_latest_first_twenty_a_page(cast: SimpleNamespace) -> None:
    past_appointments(cast.client, 45)  # weekly from Monday 1 January 2024
    http = signed_in(cast.intake)
    first = http.get(url(cast))
    rows = list(first.context["page"].object_list)
    assert len(rows) == 20
    assert rows[0].starts_at > rows[-1].starts_at
    body = first.content.decode()
    assert 'Past and cancelled <span class="count">(45)</span>' in body
    assert '<nav class="pagination" aria-label="Pages of past appointments">' in body
    assert '<span aria-current="page">Page 1 of 3</span>' in body
    last = http.get(url(cast), {"page": 3}).context["page"]
    assert [a.starts_at.date().isoformat() for a in last.object_list][-1] == "2024-01-01"
    assert AuditEvent.objects.filter(
        action="scheduling.appointment.listed", subject_id=cast.client.public_id
    ).exists()


def test_the_client_detail_links_to_the_appointments(cast: SimpleNamespace) -> None:
    page = signed_in(cast.therapist).get(reverse("clients:detail", args=[cast.client.public_id]))
    assert url(cast) in page.content.decode()


def test_it_says_when_nothing_is_booked(cast: SimpleNamespace) -> None:
    body = signed_in(cast.therapist).get(url(cast)).content.decode()
    assert "Nothing booked ahead." in body
    assert "No past appointments." in body
    assert "pagination" not in body


def test_its_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    past_appointments(cast.client, 3)
    small = page_cost(http, url(cast))
    past_appointments(cast.client, 500)
    assert page_cost(http, url(cast)) == small
    assert page_cost(http, url(cast) + "?page=20") == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 the client
    # (background deferred), 8 audit insert, 9 upcoming count, 10 past count, 11 page
    # of past appointments with their therapists (none to come: no page), the header's
    # 12 clinical reach, 13 current episode, 14 next appointment, 15 open alerts,
    # 16 latest scores, 17 release, 18-20 session save.
    assert small == PageCost(queries=20, decrypted=0)


def test_an_appointment_page_decrypts_nothing(cast: SimpleNamespace) -> None:
    past_appointments(cast.client, 1)
    appointment = cast.client.appointments.get()
    page = reverse("scheduling:appointment", args=[appointment.public_id])
    assert page_cost(signed_in(cast.therapist), page).decrypted == 0
