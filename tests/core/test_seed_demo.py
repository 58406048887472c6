from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.clients.models import Client
from rapport.core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from rapport.core.models import Clinic, Role, User


@pytest.mark.django_db
def test_it_loads_a_demo_clinic_with_every_role_once() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # a second run changes nothing
    assert Clinic.objects.count() == 1
    # 12, the four members of the demo group, an IPSRT client, the FB-IPT child and the
    # IPT-A adolescent, and one client of each other individual manual (five).
    assert Client.objects.count() == 24
    roles = {role for user in User.objects.all() for role in user.roles}
    assert roles == set(Role.values)
    therapist = User.objects.get(username="therapist")
    assert therapist.check_password(DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user=therapist)
    assert device.verify_token(f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}")
    assert DEMO_PASSWORD in out.getvalue()
    assert "already exists" in out.getvalue()
