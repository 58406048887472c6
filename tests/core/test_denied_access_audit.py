"""Refused requests stay on file: a 403 or 404 is audited after its transaction rolls back."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from rapport.core.models import AuditEvent
from tests.factories import csrf_post, signed_in


def test_a_client_outside_my_reach_is_recorded_as_not_found(cast: SimpleNamespace) -> None:
    url = reverse("clients:detail", args=[cast.colleague_client.public_id])
    assert signed_in(cast.therapist).get(url, REMOTE_ADDR="10.1.2.3").status_code == 404
    event = AuditEvent.objects.get(action="core.access.not_found")
    assert (event.actor, event.clinic, event.address) == (cast.therapist, cast.clinic, "10.1.2.3")
    assert event.object_type == "url:clients:detail"
    assert event.object_id == str(cast.colleague_client.public_id)
    assert not AuditEvent.objects.filter(action="clients.client.viewed").exists()


def test_a_refused_capability_is_recorded_as_forbidden(cast: SimpleNamespace) -> None:
    assert signed_in(cast.therapist).get(reverse("core:audit_log")).status_code == 403
    event = AuditEvent.objects.get(action="core.access.forbidden")
    assert (event.actor, event.object_type, event.object_id) == (
        cast.therapist,
        "url:core:audit_log",
        "",
    )


def test_a_refused_write_leaves_its_attempt_and_nothing_else(cast: SimpleNamespace) -> None:
    url = reverse("clients:edit", args=[cast.colleague_client.public_id])
    before = cast.colleague_client.display_name
    response = csrf_post(signed_in(cast.therapist), url, {"first_name": "Changed"})
    assert response.status_code == 404
    cast.colleague_client.refresh_from_db()
    assert cast.colleague_client.display_name == before
    # csrf_post reads the form first: the read and the write are both refused, and on file.
    clinical = AuditEvent.objects.exclude(action__startswith="core.login")
    assert list(clinical.values_list("action", flat=True)) == ["core.access.not_found"] * 2


def test_the_query_string_never_enters_the_log(cast: SimpleNamespace) -> None:
    url = reverse("clients:detail", args=[cast.colleague_client.public_id])
    signed_in(cast.therapist).get(url, {"q": "Ada Lovelace"})
    event = AuditEvent.objects.get(action="core.access.not_found")
    assert "Ada" not in f"{event.object_type} {event.object_id} {event.fields}"


def test_unrouted_and_anonymous_misses_are_not_audited(cast: SimpleNamespace) -> None:
    assert signed_in(cast.therapist).get("/no-such-page/").status_code == 404
    unknown_link = reverse("questionnaires:form", args=["no-such-token"])
    assert Client().get(unknown_link).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="core.access.").exists()
