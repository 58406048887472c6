"""Restore an archive written by ``manage.py backup`` and prove the result matches it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from rapport.core import backups


class Command(BaseCommand):
    help = (
        "Decrypt and check a backup, restore it into the configured database, then compare "
        "every table's content hash with the manifest and verify the audit chains."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data, without asking.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Check that the archive opens and is intact; restore nothing.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never ask: refuse to replace data unless --force is given.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No such backup file: {archive}")
        try:
            if options["verify_only"]:
                self._describe(backups.verify_archive(archive), "Archive intact")
                return
            force = options["force"] or self._confirmed(options["interactive"])
            report = backups.restore_backup(archive, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self._describe(report.manifest, "Restored")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The restored database does NOT match the backup: {len(report.problems)} "
                "problem(s). Do not serve it; keep the archive and investigate."
            )
        verified = f"Verified: {report.tables_checked} tables match the manifest's content hashes"
        if report.audit_verified:
            verified += (
                f"; audit log intact ({report.audit_events_verified} sealed events), "
                "chain heads as at the backup"
            )
        self.stdout.write(self.style.SUCCESS(verified + "."))

    def _confirmed(self, interactive: bool) -> bool:
        """Ask before replacing data, only when someone is there to answer."""
        if not interactive or not sys.stdin.isatty() or not backups.holds_data():
            return False
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        answer = input(
            f"The database {name} holds data. Restoring replaces ALL of it.\n"
            "Type 'replace' to go on: "
        )
        if answer.strip() != "replace":
            raise CommandError("Restore cancelled; nothing was changed.")
        return True

    def _describe(self, manifest: dict, verb: str) -> None:
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {manifest['engine']} backup of {manifest['created_at']}, release "
                f"{manifest['release']}, {len(manifest['tables'])} tables, {rows} rows."
            )
        )
