"""Intake paperwork: the client signs each current document in the portal, keeps a PDF,
and is asked again when the clinic publishes a new version; staff follow it up."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rapport.clients import paperwork
from rapport.clients.paperwork_models import DocumentKind, DocumentSignature
from rapport.core.models import AuditEvent
from rapport.portal.views_paperwork import sign_url
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _consent(cast):
    return next(
        doc for doc in paperwork.current_documents(cast.clinic) if doc.kind == DocumentKind.CONSENT
    )


def _full_name(cast) -> str:
    return f"{cast.client.given_name} {cast.client.family_name}"


def test_the_home_page_lists_each_unsigned_document_as_due(cast):
    http = portal_signed_in(make_portal_account(cast.client))
    home = http.get(reverse("portal:home")).content.decode()
    assert home.count("portal-due-paperwork") == 3
    assert "Read and sign: Consent to treatment" in home


def test_the_default_texts_are_marked_as_templates(cast):
    for document in paperwork.current_documents(cast.clinic):
        assert "TEMPLATE" in document.body
        assert document.version == 1


def test_signing_keeps_an_immutable_pdf_of_the_exact_version(cast):
    account = make_portal_account(cast.client)
    http = portal_signed_in(account)
    consent = _consent(cast)
    url = sign_url(consent)
    page = http.get(url)
    assert b"I agree to take part in Interpersonal Psychotherapy" in page.content
    csrf_post(http, url, {"typed_name": f"  {_full_name(cast)} ", "agree": "on"})
    signature = DocumentSignature.objects.get()
    assert signature.document == consent
    assert signature.typed_name == _full_name(cast)
    assert signature.signed_on == timezone.localdate()

    download = http.get(reverse("portal:paperwork_pdf", args=[signature.public_id]))
    assert download["Content-Type"] == "application/pdf"
    text = _pdf_text(download.content)
    assert _full_name(cast) in text
    assert "Version 1" in text
    assert "I agree to take part in Interpersonal" in text
    assert AuditEvent.objects.filter(action="portal.paperwork.signed").exists()

    with pytest.raises(ValueError, match="immutable"):
        signature.save()
    with pytest.raises(ValueError, match="immutable"):
        signature.delete()
    home = http.get(reverse("portal:home")).content.decode()
    assert home.count("portal-due-paperwork") == 2


def test_a_wrong_name_or_no_agreement_signs_nothing(cast):
    http = portal_signed_in(make_portal_account(cast.client))
    url = sign_url(_consent(cast))
    wrong = csrf_post(http, url, {"typed_name": "Somebody Else", "agree": "on"})
    assert b"Type your full name as the clinic has it" in wrong.content
    unticked = csrf_post(http, url, {"typed_name": _full_name(cast)})
    assert unticked.status_code == 200
    assert not DocumentSignature.objects.exists()


def test_a_new_version_asks_again_and_staff_see_it_outdated(cast):
    http = portal_signed_in(make_portal_account(cast.client))
    old = _consent(cast)
    csrf_post(
        http,
        sign_url(old),
        {"typed_name": _full_name(cast), "agree": "on"},
    )
    admin = signed_in(cast.admin)
    edit = reverse("clients:paperwork_edit", args=[DocumentKind.CONSENT])
    csrf_post(
        admin,
        edit,
        {"title": "Consent to treatment", "body": "Our own consent text.", "_confirmed": "1"},
    )
    new = _consent(cast)
    assert new.version == 2
    assert "Our own consent text." in admin.get(edit).content.decode()
    assert "I agree to take part" in admin.get(edit).content.decode()  # old version kept

    # The old version's page now shows the new one; signing the old is refused.
    moved = http.get(sign_url(old))
    assert moved.headers["Location"] == sign_url(new)
    with pytest.raises(paperwork.SigningRefused):
        paperwork.sign(
            cast.client, old, typed_name="x", signed_on=timezone.localdate(), by=cast.admin
        )
    assert (
        "Read and sign: Consent to treatment" in http.get(reverse("portal:home")).content.decode()
    )

    details = signed_in(cast.intake).get(reverse("clients:detail", args=[cast.client.public_id]))
    text = details.content.decode()
    assert "Signed an older version" in text
    assert text.count('class="paperwork-outdated"') == 1
    assert text.count('class="paperwork-unsigned"') == 2


def test_staff_who_see_the_client_download_the_pdf_and_others_do_not(cast):
    consent = _consent(cast)
    signature = paperwork.sign(
        cast.client,
        consent,
        typed_name=_full_name(cast),
        signed_on=dt.date(2026, 11, 30),
        by=make_portal_account(cast.client).user,
    )
    url = reverse("clients:paperwork_pdf", args=[signature.public_id])
    intake = signed_in(cast.intake).get(url)
    assert _full_name(cast) in _pdf_text(intake.content)
    assert signed_in(cast.colleague).get(url).status_code == 404
    assert signed_in(cast.outsider).get(url).status_code == 404
    other = make_portal_account(cast.colleague_client)
    theirs = portal_signed_in(other).get(
        reverse("portal:paperwork_pdf", args=[signature.public_id])
    )
    assert theirs.status_code == 404


def test_a_guardian_is_not_asked_to_sign(cast):
    guardian = make_portal_account(cast.client, role="guardian", email="parent@example.com")
    http = portal_signed_in(guardian)
    assert http.get(reverse("portal:paperwork")).status_code == 403
    assert "portal-due-paperwork" not in http.get(reverse("portal:home")).content.decode()


def test_the_first_session_is_flagged_until_the_consents_are_signed(cast):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    first, second = (
        book(
            clinic=cast.clinic,
            therapist=cast.therapist,
            client=cast.client,
            starts_at=starts + dt.timedelta(days=7 * n),
            ends_at=starts + dt.timedelta(days=7 * n, minutes=50),
            kind=Appointment.Kind.SESSION,
            by=cast.intake,
        )
        for n in range(2)
    )
    staff = signed_in(cast.therapist)
    page = staff.get(reverse("scheduling:appointment", args=[first.public_id]))
    assert b"First session: consent not signed." in page.content
    later = staff.get(reverse("scheduling:appointment", args=[second.public_id]))
    assert b"consent not signed" not in later.content
    week = staff.get(reverse("scheduling:calendar_week"), {"date": starts.date().isoformat()})
    assert week.content.decode().count("Consent not signed") == 1

    account = make_portal_account(cast.client)
    for document in paperwork.current_documents(cast.clinic):
        paperwork.sign(
            cast.client,
            document,
            typed_name=_full_name(cast),
            signed_on=timezone.localdate(),
            by=account.user,
        )
    page = staff.get(reverse("scheduling:appointment", args=[first.public_id]))
    assert b"consent not signed" not in page.content


def test_a_missing_or_foreign_document_signs_nothing(cast):
    http = portal_signed_in(make_portal_account(cast.client))
    bare = http.get(reverse("portal:paperwork_sign"))
    assert bare.headers["Location"] == reverse("portal:paperwork")
    assert http.get(reverse("portal:paperwork_sign"), {"document": "nonsense"}).status_code == 404
    elsewhere = paperwork.current_documents(cast.other_clinic)[0]
    assert http.get(sign_url(elsewhere)).status_code == 404
