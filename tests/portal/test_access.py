"""Portal access from the client record: invitations, guardians and consent, ending access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.portal.models import PortalAccount
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in

pytestmark = pytest.mark.django_db


def _detail(cast) -> str:
    return reverse("clients:detail", args=[cast.client.public_id])


def _invite(http, cast):
    return csrf_post(http, reverse("portal:staff_invite", args=[cast.client.public_id]))


def _mail_to(address: str) -> list[OutboundEmail]:
    return [row for row in OutboundEmail.objects.order_by("pk") if row.recipient == address]


def test_the_therapist_invites_the_client_at_the_address_on_record(cast):
    http = signed_in(cast.therapist)
    answer = _invite(http, cast)
    assert answer.headers["Location"].startswith(_detail(cast))

    account = PortalAccount.objects.get(client=cast.client)
    assert account.email == cast.client.email
    assert account.role == "client"
    (mail,) = _mail_to(cast.client.email)
    assert "/portal/sign-in/link/?sesame=" in mail.text_body
    for private in (cast.client.given_name, cast.client.family_name):
        assert private not in mail.subject
        assert private not in mail.text_body
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.account.opened", "portal.account.invited"} <= actions

    page = http.get(_detail(cast)).content.decode()
    assert "Portal access" in page
    assert "Not signed in yet" in page
    assert "Send a new sign-in link" in page


def test_an_invitation_is_refused_clearly_without_an_address_or_twice(cast):
    http = signed_in(cast.intake)
    cast.client.email = ""
    cast.client.save()
    answer = http.get(_invite(http, cast).headers["Location"])
    assert "has no e-mail address" in answer.content.decode()
    assert not PortalAccount.objects.exists()
    assert not OutboundEmail.objects.exists()

    cast.client.email = "back@example.com"
    cast.client.save()
    _invite(http, cast)
    again = http.get(_invite(http, cast).headers["Location"])
    assert "already has portal access" in again.content.decode()
    assert PortalAccount.objects.count() == 1
    assert len(_mail_to("back@example.com")) == 1


def test_resending_sends_a_fresh_link_and_ending_access_signs_out(cast):
    account = make_portal_account(cast.client)
    portal = portal_signed_in(account)
    assert portal.get(reverse("portal:home")).status_code == 200
    http = signed_in(cast.therapist)

    csrf_post(http, reverse("portal:staff_resend", args=[account.public_id]))
    assert len(_mail_to(account.email)) == 1

    revoke = reverse("portal:staff_revoke", args=[account.public_id])
    asked = csrf_post(http, revoke, {"_confirm": _question(http, cast, "End this client")})
    assert b"Please confirm" in asked.content  # without JavaScript, a page asks first
    account.refresh_from_db()
    assert account.revoked_at is None  # not without the yes
    csrf_post(
        http, revoke, {"_confirm": _question(http, cast, "End this client"), "_confirmed": "1"}
    )
    account.refresh_from_db()
    assert account.revoked_at is not None
    assert portal.get(reverse("portal:home")).status_code == 302
    page = http.get(_detail(cast)).content.decode()
    assert "Ended access" in page
    assert "Invite to the portal" in page

    refused = csrf_post(http, reverse("portal:staff_resend", args=[account.public_id]))
    assert "cannot sign in" in http.get(refused.headers["Location"]).content.decode()
    assert len(_mail_to(account.email)) == 1


def _question(http, cast, starting: str) -> str:
    """The signed question of the record's confirm form that asks ``starting``…"""
    import html
    import re

    page = http.get(_detail(cast)).content.decode()
    for value in re.findall(r'name="_confirm" value="([^"]+)"', page):
        if html.unescape(value).startswith(starting):
            return html.unescape(value)
    raise AssertionError(f"no confirmation asking {starting!r}")


def test_a_guardian_cannot_sign_in_until_consent_is_recorded(cast):
    http = signed_in(cast.therapist)
    added = csrf_post(
        http,
        reverse("portal:staff_guardian_add", args=[cast.client.public_id]),
        {
            "name": "Dana Parent",
            "relationship": "mother",
            "email": "dana@example.com",
            "language": "en",
        },
    )
    assert added.status_code == 302
    guardian = PortalAccount.objects.get(role="guardian")
    assert guardian.name == "Dana Parent"
    assert guardian.consent_recorded_at is None
    assert not _mail_to("dana@example.com")  # no invitation without consent

    # Asking for a link by the guardian's address sends nothing; a session is refused.
    csrf_post(signed_in(cast.colleague), reverse("portal:sign_in"), {"email": "dana@example.com"})
    assert not _mail_to("dana@example.com")
    assert portal_signed_in(guardian).get(reverse("portal:home")).status_code == 302
    page = http.get(_detail(cast)).content.decode()
    assert "Consent not recorded" in page

    consent = reverse("portal:staff_consent", args=[guardian.public_id])
    csrf_post(http, consent, {"_confirm": _question(http, cast, "Record that"), "_confirmed": "1"})
    guardian.refresh_from_db()
    assert guardian.consent_recorded_by == cast.therapist
    assert guardian.consent_recorded_at
    (invitation,) = _mail_to("dana@example.com")
    assert "parent or guardian" in invitation.text_body
    assert cast.client.given_name not in invitation.text_body
    assert portal_signed_in(guardian).get(reverse("portal:home")).status_code == 200
    assert "Consent recorded" in http.get(_detail(cast)).content.decode()
    assert AuditEvent.objects.filter(action="portal.account.consent_recorded").exists()


def test_a_guardian_added_with_consent_is_invited_at_once(cast):
    http = signed_in(cast.admin)
    csrf_post(
        http,
        reverse("portal:staff_guardian_add", args=[cast.client.public_id]),
        {
            "name": "Lee Carer",
            "relationship": "legal guardian",
            "email": "lee@example.com",
            "language": "en",
            "consent": "on",
        },
    )
    guardian = PortalAccount.objects.get(role="guardian")
    assert guardian.consent_recorded_by == cast.admin
    assert len(_mail_to("lee@example.com")) == 1


def test_the_guardian_form_refuses_bad_input_and_changes_nothing(cast):
    http = signed_in(cast.therapist)
    answer = csrf_post(
        http,
        reverse("portal:staff_guardian_add", args=[cast.client.public_id]),
        {"name": " ", "relationship": "mother", "email": "not an address", "language": "en"},
    )
    assert answer.status_code == 200
    assert "Enter a valid email address" in answer.content.decode()
    assert not PortalAccount.objects.exists()


def test_the_supervisor_sees_the_status_but_no_buttons(cast):
    make_portal_account(cast.client)
    page = signed_in(cast.supervisor).get(_detail(cast)).content.decode()
    assert "Portal access" in page
    assert "Not signed in yet" in page
    assert "Send a new sign-in link" not in page
    assert "Add a parent or guardian" not in page


def test_staff_cannot_act_on_another_therapists_client(cast):
    account = make_portal_account(cast.client)
    http = signed_in(cast.colleague)
    assert _invite(http, cast).status_code == 404
    for name in ("portal:staff_resend", "portal:staff_revoke", "portal:staff_consent"):
        answer = csrf_post(http, reverse(name, args=[account.public_id]), {"_confirmed": "1"})
        assert answer.status_code == 404, name
    account.refresh_from_db()
    assert account.revoked_at is None
