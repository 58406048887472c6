"""The person's own words and their self-screen are clinical content: intake
coordinators and clinicians read them, clinic admins see only the operational parts."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.clients.models import Client
from rapport.core.models import Role
from tests.factories import csrf_post, make_staff, signed_in
from tests.intake.queue_helpers import CONCERN, make_request, make_screened_request


def _page(user, req) -> str:
    response = signed_in(user).get(reverse("intake:request", args=[req.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_hides_the_concern_from_clinic_admins(cast: SimpleNamespace) -> None:
    req = make_request(cast.clinic)
    page = _page(cast.admin, req)
    assert CONCERN not in page
    assert "their message is clinical content" in page
    # The operational parts stay: who to contact, how, and what to do next.
    assert req.name in page
    assert req.email in page
    assert "Book the initial consultation" in page


def test_it_shows_the_concern_to_intake_coordinators(cast: SimpleNamespace) -> None:
    assert CONCERN in _page(cast.intake, make_request(cast.clinic))


def test_it_shows_concern_and_score_to_an_admin_who_also_coordinates_intake(
    cast: SimpleNamespace,
) -> None:
    both = make_staff(cast.clinic, "frontdesk", Role.CLINIC_ADMIN, Role.INTAKE_COORDINATOR)
    page = _page(both, make_screened_request(cast.clinic, others=1))
    assert CONCERN in page
    assert "Total 8 of 27" in page


def test_it_keeps_the_concern_out_of_the_queue_for_everyone(cast: SimpleNamespace) -> None:
    make_request(cast.clinic)
    for user in (cast.admin, cast.intake):
        listing = signed_in(user).get(reverse("intake:queue")).content.decode()
        assert CONCERN not in listing


def test_an_admins_conversion_still_hands_the_concern_to_the_therapist(
    cast: SimpleNamespace,
) -> None:
    req = make_request(cast.clinic, name="Robin Example")
    data = {
        "given_name": "Robin",
        "family_name": "Example",
        "date_of_birth": "1985-04-02",
        "therapist": cast.colleague.public_id,
        "started_on": "2026-10-06",
    }
    response = csrf_post(
        signed_in(cast.admin), reverse("intake:convert", args=[req.public_id]), data
    )
    assert response.status_code == 302
    assert CONCERN in Client.objects.get(given_name="Robin").background
