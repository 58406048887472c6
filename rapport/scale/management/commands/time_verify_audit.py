"""``manage.py time_verify_audit --rows N``: time ``verify_audit --incremental`` on N new rows."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rapport.scale import audit_chain


class Command(BaseCommand):
    help = (
        "Append N sealed audit events to a synthetic clinic's chain (the audit log is "
        "append-only: use a scratch database), move its checkpoint to where it stood, then "
        "time verify_audit --incremental, in the database and with the key kept local."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument(
            "--skip-local",
            action="store_true",
            help="Time only the in-database check (the local one takes about 25 s a million).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with tqdm(total=options["rows"], unit="row", disable=options["verbosity"] < 1) as bar:
            chain = audit_chain.append(options["rows"], progress=bar.update)
        self.stdout.write(
            f"Appended {options['rows']:,} sealed events to chain {chain.chain} "
            f"in {time.monotonic() - started:.1f} s."
        )
        self._time("verify_audit --incremental", "--incremental")
        if not options["skip_local"]:
            # The first run moved the checkpoint: step it back so both check the same rows.
            from rapport.core.models import AuditChain

            AuditChain.objects.filter(pk=chain.pk).update(
                checkpoint_seq=chain.checkpoint_seq, checkpoint_hash=chain.checkpoint_hash
            )
            self._time(
                "verify_audit --incremental --key-stays-local", "--incremental", "--key-stays-local"
            )

    def _time(self, label: str, *args: str) -> None:
        out = StringIO()
        started = time.monotonic()
        try:
            call_command("verify_audit", *args, stdout=out, stderr=out)
        except CommandError as failure:
            raise CommandError(f"{label}: {failure}\n{out.getvalue()}") from None
        seconds = time.monotonic() - started
        self.stdout.write(f"{label}: {seconds:.2f} s ({out.getvalue().splitlines()[0]})")
