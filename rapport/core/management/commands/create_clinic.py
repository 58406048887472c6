"""``manage.py create_clinic``: bootstrap a production install with a clinic and its first admin."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rapport.core.models import Clinic, Role, StaffRole, User
from rapport.core.models.clinics import validate_time_zone


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Create a clinic and its first clinic admin. The admin sets up two-step "
        "sign-in at first login."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The clinic's name.")
        parser.add_argument("--time-zone", default=None, help="IANA zone, e.g. Europe/London.")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the admin password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["admin_username"]).exists():
            raise CommandError("That username is taken.")
        zone = options["time_zone"]
        if zone:
            try:
                validate_time_zone(zone)
            except ValidationError as error:
                raise CommandError(error.messages[0]) from None
        stdin = options.get("stdin", sys.stdin)
        password = self._password(stdin if options["password_stdin"] else None)
        with transaction.atomic():
            clinic = Clinic.objects.create(
                name=options["name"], **({"time_zone": zone} if zone else {})
            )
            admin = User.objects.create_user(
                username=options["admin_username"],
                email=options["admin_email"],
                password=password,
                clinic=clinic,
            )
            StaffRole.objects.create(user=admin, role=Role.CLINIC_ADMIN)
        self.stdout.write(self.style.SUCCESS(f"Created clinic {clinic.public_id} and its admin."))

    def _password(self, stdin: Any) -> str:
        if stdin is not None:
            password = stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Admin password: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
