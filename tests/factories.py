"""Plain helpers that make test data; one readable cast lives in conftest.py."""

from __future__ import annotations

import base64
import itertools
from datetime import date
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.clients.models import Client
from rapport.core.models import Clinic, StaffRole, Supervision, User

PASSWORD = "correct horse battery staple 7"
_numbers = itertools.count(1)


def make_clinic(name: str = "Test Clinic", **fields: Any) -> Clinic:
    return Clinic.objects.create(name=name, **fields)


def make_staff(clinic: Clinic, username: str, *roles: str, totp_key: bytes | None = None) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Tester",
        email=f"{username}@staff.example",
        clinic=clinic,
    )
    StaffRole.objects.bulk_create(StaffRole(user=user, role=role) for role in roles)
    TOTPDevice.objects.create(
        user=user, name="app", confirmed=True, key=(totp_key or _key_for(username)).hex()
    )
    return user


def _key_for(username: str) -> bytes:
    return username.encode().ljust(20, b"0")[:20]


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def totp_secret(user: User) -> str:
    return base64.b32encode(TOTPDevice.objects.get(user=user, confirmed=True).bin_key).decode()


def supervise(supervisor: User, *supervisees: User) -> None:
    for supervisee in supervisees:
        Supervision.objects.create(supervisor=supervisor, supervisee=supervisee)


def make_client(clinic: Clinic, therapist: User | None = None, **fields: Any) -> Client:
    n = next(_numbers)
    defaults: dict[str, Any] = {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "date_of_birth": date(1990, 1, 1),
        "email": f"client{n}@example.com",
    }
    defaults.update(fields)
    return Client.objects.create(clinic=clinic, assigned_therapist=therapist, **defaults)


def signed_in(user: User, *, verified: bool = True) -> HttpClient:
    """A CSRF-enforcing test client signed in as ``user`` (past 2FA unless told)."""
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(user)
    if verified:
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return http


def csrf_post(http: HttpClient, url: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    """POST as a browser would: fetch the page for its CSRF cookie, then send the token."""
    http.get(url)
    if "csrftoken" not in http.cookies:  # POST-only endpoints: any form page sets it
        http.get(reverse("core:login"))
    token = http.cookies["csrftoken"].value
    return http.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)


def make_portal_account(client: Client, role: str = "client", **fields: Any) -> Any:
    """A live portal account for ``client`` (invited by the assigned therapist).

    A guardian's consent is on record unless ``consent=False``: without it, no sign-in.
    """
    from rapport.portal.accounts import open_account

    consent = fields.pop("consent", True)
    own = client.email if role == "client" else ""  # a guardian has an address of their own
    fields.setdefault("email", own or f"portal{next(_numbers)}@example.com")
    inviter = client.assigned_therapist or User.objects.filter(clinic=client.clinic).first()
    account = open_account(client, invited_by=inviter, role=role, **fields)
    if role == "guardian" and consent:
        account.consent_recorded_at = timezone.now()
        account.consent_recorded_by = inviter
        account.save(update_fields=["consent_recorded_at", "consent_recorded_by"])
    return account


def portal_signed_in(account: Any) -> HttpClient:
    """A CSRF-enforcing test client in a portal session of ``account`` (as the link gives)."""
    from django.conf import settings

    from rapport.core.middleware import SESSION_ABSOLUTE, SESSION_SIGN_IN_URL
    from rapport.portal.access import SESSION_ACCOUNT

    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(account.user)
    session = http.session
    session[SESSION_ACCOUNT] = account.pk
    session[SESSION_ABSOLUTE] = settings.RAPPORT_PORTAL_SESSION_ABSOLUTE_SECONDS
    session[SESSION_SIGN_IN_URL] = reverse("portal:sign_in")
    session.save()
    return http


PROCESS_NOTE_SECRET = "Process note: my countertransference when she mentioned her father"


def make_episode(client: Client, **fields: Any) -> Any:
    from rapport.ipt.services import open_episode

    fields.setdefault("started_on", date(2026, 9, 1))
    return open_episode(client, therapist=client.assigned_therapist, **fields)


def make_note(episode: Any, number: int = 1, **fields: Any) -> Any:
    from rapport.ipt.models import SessionNote

    fields.setdefault("held_on", date(2026, 9, 1))
    fields.setdefault("phase", episode.phase_for_session(number, None))
    fields.setdefault("author", episode.therapist)
    return SessionNote.objects.create(episode=episode, number=number, **fields)
