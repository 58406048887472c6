"""A clinic admin makes, reads once and revokes API keys (the Django side of the page)."""

from __future__ import annotations

import hashlib

from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.confirm import sign_question
from rapport.core.models import AuditEvent
from rapport.interop.models import ApiKey, KeyScope
from tests.factories import csrf_post, signed_in
from tests.interop.fhir_helpers import bearer, issue_key

KEYS = reverse("interop:keys")


def create(http, **fields) -> object:
    data = {"name": "Registry", "scope": KeyScope.CLINIC, "lifetime": "90"} | fields
    return csrf_post(http, KEYS, data)


def test_the_new_key_is_shown_once_and_only_its_hash_is_kept(cast) -> None:
    admin = signed_in(cast.admin)
    page = admin.get(KEYS)
    assert "This clinic has no API key yet." in page.content.decode()
    answer = create(admin)
    assert answer.status_code == 200
    raw = answer.context["new_key"]
    assert raw.startswith("rpk_")
    assert raw in answer.content.decode()
    key = ApiKey.objects.get()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {getattr(key, f.attname) for f in ApiKey._meta.concrete_fields}
    again = admin.get(KEYS).content.decode()
    assert raw not in again
    assert key.display_prefix in again
    assert HttpClient().get("/fhir/Patient", **bearer(raw)).status_code == 200
    created = AuditEvent.objects.get(action="interop.api_key.created")
    assert created.actor == cast.admin
    assert created.object_id == str(key.public_id)


def test_a_caseload_key_needs_its_practitioner_and_bad_input_makes_nothing(cast) -> None:
    admin = signed_in(cast.admin)
    answer = create(admin, scope=KeyScope.CASELOAD)
    assert answer.status_code == 200
    assert "Choose whose caseload the key reads." in answer.content.decode()
    assert "This field is required." in create(admin, name="", lifetime="x").content.decode()
    assert not ApiKey.objects.exists()
    outsider = create(admin, scope=KeyScope.CASELOAD, practitioner=cast.outsider.pk)
    assert "Select a valid choice." in outsider.content.decode()  # not another clinic's
    assert not ApiKey.objects.exists()
    made = create(admin, scope=KeyScope.CASELOAD, practitioner=cast.therapist.pk)
    assert made.status_code == 200
    assert ApiKey.objects.get().practitioner == cast.therapist


def test_revoking_asks_first_then_shuts_the_key_out(cast) -> None:
    key, raw = issue_key(cast)
    admin = signed_in(cast.admin)
    url = reverse("interop:key_revoke", args=[key.public_id])
    page = admin.get(KEYS).content.decode()
    assert "data-confirm=" in page
    assert url in page
    # Without the confirmation (no JavaScript): a page asks, and nothing changes yet.
    question = "Revoke this API key? Systems using it lose access at once. This cannot be undone."
    asked = csrf_post(admin, url, {"_confirm": sign_question(question)})
    assert asked.status_code == 200
    assert question in asked.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    done = csrf_post(admin, url, {"_confirm": sign_question(question), "_confirmed": "1"})
    assert done.status_code == 302
    key.refresh_from_db()
    assert key.revoked_by == cast.admin
    assert key.revoked_at is not None
    assert HttpClient().get("/fhir/Patient", **bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(action="interop.api_key.revoked").count() == 1


def test_another_clinics_key_cannot_be_revoked(cast) -> None:
    key, _raw = ApiKey.issue(clinic=cast.other_clinic, name="Theirs", created_by=cast.outsider)
    url = reverse("interop:key_revoke", args=[key.public_id])
    assert csrf_post(signed_in(cast.admin), url, {"_confirmed": "1"}).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
