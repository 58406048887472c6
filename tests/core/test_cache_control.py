"""Pages for a signed-in person never land in a shared or browser cache (issue 10, found 2)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.authz import ROLES, http_for
from tests.factories import csrf_post, signed_in
from tests.test_authorization_matrix import EXPECTED

SIGNED_IN = [role for role in ROLES if role != "anon"]


def _directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}


def _http_for(role: str, cast: SimpleNamespace) -> HttpClient:
    return http_for(role, cast)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_answer_to_a_signed_in_person_is_not_stored(name: str, cast: SimpleNamespace) -> None:
    # Every status counts: a 302, 403 or 404 may still name a client in its URL or body.
    url = reverse(name, kwargs=EXPECTED[name].kwargs(cast))
    for role in SIGNED_IN:
        response = _http_for(role, cast).get(url)
        assert {"no-store", "private"} <= _directives(response), (name, role, response.status_code)


def test_a_saved_form_answer_is_not_stored_either(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("clients:clinical_edit", args=[cast.client.public_id])
    response = csrf_post(http, url, {"background": "x", "version": cast.client.version})
    assert response.status_code == 302
    assert {"no-store", "private"} <= _directives(response)
