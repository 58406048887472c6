"""``manage.py seed_scale --factor N``: a synthetic practice at scale, for ``make bench``."""

from __future__ import annotations

import base64
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rapport.scale import seeding


class Command(BaseCommand):
    help = (
        "Bulk-insert a synthetic clinic: at factor 1, 50 therapists, 5,000 clients, "
        "60,000 signed notes, 120,000 responses, 60,000 appointments, plus one client "
        "with 500 sessions. Only into a database without clinics (or --force-new-clinic)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--factor", type=float, default=1.0, help="Scale (0.05, 1, 10, …).")
        parser.add_argument(
            "--force-new-clinic",
            action="store_true",
            help="Add the synthetic clinic even though the database already holds clinics.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factor = options["factor"]
        total = seeding.Plan(factor).count("clients") + 1
        started = time.monotonic()
        with tqdm(total=total, unit="client", disable=options["verbosity"] < 1) as bar:
            try:
                report = seeding.seed(
                    factor, force=options["force_new_clinic"], progress=bar.update
                )
            except seeding.ScaleError as refusal:
                raise CommandError(str(refusal)) from None
        seconds = time.monotonic() - started
        rows = ", ".join(f"{n:,} {name}" for name, n in sorted(report.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Seeded factor {factor} in {seconds:.1f} s: {rows}."))
        self.print_logins(report)

    def print_logins(self, report: seeding.SeedReport) -> None:
        key = base64.b32encode(seeding.BENCH_TOTP_KEY).decode()
        names = report.usernames
        self.stdout.write(
            f"\nStaff of “{report.clinic.name}” (synthetic data; one shared bench passphrase):\n"
            f"  passphrase: {seeding.BENCH_PASSWORD}\n"
            f"  two-step key: {key}\n"
            f"  usernames: {names[0]}, {names[1]}, {names[2]}, "
            f"{names[3]} … {names[-1]}\n"
        )
