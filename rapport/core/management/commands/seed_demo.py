"""``manage.py seed_demo``: a fictional clinic that shows every feature.

Demo only: every account shares one passphrase and one TOTP secret, printed
here and in the README. Never load this into a real practice's database.
"""

from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.core.hooks import demo_loaders
from rapport.core.models import Clinic, Role, StaffRole, Supervision, User

DEMO_PASSWORD = "quiet-harbour-lantern-42"  # noqa: S105  (published demo credential)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  (published, demo only)

STAFF = [
    # username, first, last, roles
    ("admin", "Avery", "Admin", [Role.CLINIC_ADMIN]),
    ("intake", "Ines", "Intake", [Role.INTAKE_COORDINATOR]),
    ("therapist", "Alex", "Rivera", [Role.THERAPIST]),
    ("colleague", "Sam", "Okafor", [Role.THERAPIST]),
    ("supervisor", "Morgan", "Lee", [Role.SUPERVISOR, Role.THERAPIST]),
    # A therapist in training: the supervisor co-signs their notes.
    ("trainee", "Robin", "Chen", [Role.THERAPIST]),
]
TRAINEES = ["trainee"]


class Command(BaseCommand):
    help = "Load the fictional demo clinic when the database holds no clinic yet."

    def handle(self, *args: Any, **options: Any) -> None:
        if Clinic.objects.exists():
            self.stdout.write("A clinic already exists; demo data not loaded again.")
        else:
            self._load()
            self.stdout.write(self.style.SUCCESS("Demo clinic loaded."))
        self.print_logins()

    @transaction.atomic
    def _load(self) -> None:
        clinic = Clinic.objects.create(name="Riverside IPT Practice (demo)")
        key = base64.b32decode(DEMO_TOTP_SECRET).hex()
        users = {}
        for username, first, last, roles in STAFF:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.rapport.invalid",
                clinic=clinic,
            )
            StaffRole.objects.bulk_create(StaffRole(user=user, role=role) for role in roles)
            TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
            users[username] = user
        for supervisee in ("therapist", "colleague", *TRAINEES):
            Supervision.objects.create(
                supervisor=users["supervisor"],
                supervisee=users[supervisee],
                cosigns_notes=supervisee in TRAINEES,
            )
        # Each app adds its own demo rows (core imports none of them: DESIGN.md layering).
        for loader in demo_loaders():
            loader(clinic, users)

    def print_logins(self) -> None:
        code = f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
        self.stdout.write(
            "\nDemo logins (fictional data; every account uses the same passphrase):\n"
            f"  passphrase: {DEMO_PASSWORD}\n"
            "  usernames:  therapist, colleague, supervisor, trainee, intake, admin\n"
            f"  two-step code: add the key {DEMO_TOTP_SECRET} to an authenticator app,\n"
            "                 or run `make totp` for the current code "
            f"(now {code}).\n"
        )
