"""The staff side of intake paperwork: admins edit and version the documents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.clients import paperwork
from rapport.clients.paperwork_models import DocumentKind, IntakeDocument
from rapport.core.models import AuditEvent
from tests.factories import csrf_post, signed_in

pytestmark = pytest.mark.django_db

EDIT = reverse("clients:paperwork_edit", args=[DocumentKind.PRIVACY])


def test_the_clinic_settings_say_the_documents_are_still_templates(cast):
    page = signed_in(cast.admin).get(reverse("core:clinic_settings")).content.decode()
    assert "Intake paperwork" in page
    assert "These are still the template texts" in page
    assert "Edit Privacy notice (version 1)" in page


def test_each_edit_is_a_new_version_and_old_ones_are_kept(cast):
    admin = signed_in(cast.admin)
    data = {"title": "Privacy notice", "body": "Our notice.", "_confirmed": "1"}
    csrf_post(admin, EDIT, data)
    csrf_post(admin, EDIT, data | {"body": "Our notice, revised."})
    versions = IntakeDocument.objects.filter(clinic=cast.clinic, kind=DocumentKind.PRIVACY)
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].body == "Our notice, revised."
    assert versions[0].created_by == cast.admin
    assert AuditEvent.objects.filter(action="clients.paperwork.published").count() == 2
    with pytest.raises(ValueError, match="never changed"):
        versions[0].save()
    page = signed_in(cast.admin).get(reverse("core:clinic_settings")).content.decode()
    assert "Clients sign these in the portal" in page


def test_an_unchanged_or_empty_text_publishes_nothing(cast):
    admin = signed_in(cast.admin)
    current = next(
        doc for doc in paperwork.current_documents(cast.clinic) if doc.kind == DocumentKind.PRIVACY
    )
    same = {"title": current.title, "body": current.body, "_confirmed": "1"}
    csrf_post(admin, EDIT, same)
    empty = csrf_post(admin, EDIT, {"title": "Privacy notice", "body": " ", "_confirmed": "1"})
    assert empty.status_code == 200
    assert b"Please check the form" in empty.content
    assert IntakeDocument.objects.filter(kind=DocumentKind.PRIVACY).count() == 1


def test_an_unknown_document_is_not_found(cast):
    assert signed_in(cast.admin).get("/clients/paperwork/no-such-thing/").status_code == 404


def test_each_clinic_has_its_own_documents(cast):
    paperwork.publish(cast.clinic, DocumentKind.CONSENT, title="Ours", body="x", by=cast.admin)
    theirs = paperwork.current_documents(cast.other_clinic)
    assert all(doc.version == 1 for doc in theirs)
