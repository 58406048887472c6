"""Write an encrypted, verifiable backup of the database (docs/operations.md, "Backups")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rapport.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump on PostgreSQL) into one "
        "encrypted archive with a manifest of every table's row count and content hash."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Where to write the archive (default: the var directory's backups/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["output_dir"] or Path(settings.VAR_DIR) / "backups"
        try:
            result = backups.create_backup(directory)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        chains = manifest["audit"]["chains"]
        self.stdout.write(self.style.SUCCESS(f"Backup written: {result.path}"))
        self.stdout.write(
            f"{result.bytes_written} bytes, {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(chains)} audit chain(s); {manifest['engine']}, release {manifest['release']}."
        )
        self.stdout.write(
            "Copy it off-site; keep the backup key elsewhere. "
            "Test it with `manage.py restore --verify-only FILE`."
        )
