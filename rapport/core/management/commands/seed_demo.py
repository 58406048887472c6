"""``manage.py seed_demo``: a fictional clinic that shows every feature.

Demo only: every account shares one passphrase and one TOTP secret, printed
here and in the README. Never load this into a real practice's database.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.clients.models import Client
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

CLIENTS = [
    # given, family, born, therapist username, background
    (
        "Jordan",
        "Example",
        date(1988, 3, 14),
        "therapist",
        "Low mood since a move for work eight months ago; misses old friends.",
    ),
    (
        "Casey",
        "Sample",
        date(1975, 11, 2),
        "therapist",
        "Depressive symptoms after the death of a parent last spring.",
    ),
    (
        "Riley",
        "Placeholder",
        date(1995, 6, 21),
        "therapist",
        "Repeated arguments with partner about household roles.",
    ),
    ("Taylor", "Fictional", date(2001, 1, 9), "therapist", ""),
    (
        "Morgan",
        "Madeup",
        date(1969, 8, 30),
        "therapist",
        "Retired this year; days feel empty; withdrawn from family.",
    ),
    (
        "Quinn",
        "Imaginary",
        date(1983, 4, 17),
        "colleague",
        "Conflict with adult daughter; feels unheard.",
    ),
    ("Avery", "Notreal", date(1991, 9, 5), "colleague", ""),
    (
        "Harper",
        "Testperson",
        date(1979, 12, 12),
        "colleague",
        "Postnatal low mood; few close relationships.",
    ),
    ("Rowan", "Demo", date(1998, 2, 28), "supervisor", ""),
    ("Sky", "Specimen", date(1986, 7, 7), "trainee", "Rows with a flatmate over money."),
    ("Jamie", "Invented", date(1972, 5, 19), "trainee", "Low mood since a close friend died."),
    ("Emerson", "Pretend", date(2003, 10, 1), None, ""),
]


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
        for given, family, born, therapist, background in CLIENTS:
            Client.objects.create(
                clinic=clinic,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                email=f"{given.lower()}.{family.lower()}@example.invalid",
                assigned_therapist=users.get(therapist),
                background=background,
            )
        # Higher apps add their demo rows (core imports none of them: DESIGN.md layering).
        if "seed_ipt_demo" in get_commands():
            call_command("seed_ipt_demo", stdout=self.stdout)

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
