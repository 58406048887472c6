from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.core import audit


class Command(BaseCommand):
    help = (
        "Check the audit log's sealed hash chains; report edited, deleted or reordered rows "
        "and the events still waiting to be sealed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Check only rows sealed since the last clean verification (its checkpoint).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reports = [
            audit.verify_chain(clinic_id, incremental=options["incremental"])
            for clinic_id in audit.chain_ids()
        ]
        problems = [problem for report in reports for problem in report.problems]
        for problem in problems:
            self.stderr.write(str(problem))
        backlog = audit.backlog()
        waiting = f"{backlog.unsealed} event(s) not yet sealed"
        if backlog.unsealed:
            waiting += f", the oldest {backlog.oldest_seconds} s old"
        if problems:
            raise CommandError(
                f"Audit log FAILED verification: {len(problems)} problem(s); {waiting}."
            )
        verified = sum(report.verified for report in reports)
        scope = "since the last checkpoint" if options["incremental"] else "in full"
        self.stdout.write(
            self.style.SUCCESS(f"Audit log intact: {verified} sealed events verified {scope}.")
        )
        self.stdout.write(f"{waiting}.")
        for report in reports:
            # Operators record these heads off-site: a truncated tail then shows too.
            self.stdout.write(
                f"chain {report.clinic_id or '-'}: {report.head_seq} events, "
                f"head {report.head_hash}"
            )
