"""``manage.py worker``: run every registered job on what is due (DESIGN.md)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from rapport.core import jobs
from rapport.core.models import WorkerHeartbeat

logger = logging.getLogger("rapport.worker")


class Command(BaseCommand):
    help = "Process due background work: e-mail outbox and every job apps register."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running until SIGTERM.")
        parser.add_argument(
            "--drain", action="store_true", help="Repeat until nothing is due, then exit."
        )
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between passes.")
        parser.add_argument("--name", default="", help="Worker name (default host:pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        import rapport.core.audit  # (registers the sealing job)
        import rapport.core.audit_checkpoints  # (registers the checkpoint export)
        import rapport.core.outbox  # noqa: F401  (registers the outbox job)

        self.stopping = False
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        name = options["name"] or f"{socket.gethostname()}:{os.getpid()}"
        logger.info("worker started", extra={"worker": name})
        try:
            while not self.stopping:
                if options["loop"]:
                    close_old_connections()  # a long-lived process must not hold dead ones
                handled = self.run_once(name)
                if not options["loop"] and not (options["drain"] and handled):
                    break
                if not handled:
                    self._sleep(options["interval"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker stopped", extra={"worker": name})

    def run_once(self, name: str) -> int:
        try:
            self._beat(name)
        except DatabaseError:
            # The database may be restarting: skip this pass and try again.
            logger.exception("database unavailable", extra={"worker": name})
            close_old_connections()
            return 0
        handled = 0
        for job_name, job in jobs.registered_jobs().items():
            if self.stopping:
                break
            try:
                handled += job(name)
            except Exception:  # one failing job must not stop the others
                logger.exception("job failed", extra={"job": job_name, "worker": name})
        return handled

    def _beat(self, name: str) -> None:
        """Say this worker is alive: one UPDATE on every pass but the first."""
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(name=name).update(seen_at=now):
            WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True
