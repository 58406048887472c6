"""The worker's side of FHIR bulk export: claim a job, stream NDJSON files, expire them.

Memory stays flat whatever the clinic's size: rows are read in chunks from a
server-side cursor (``iterator``), as plain column values where the type allows
(``ResourceType.stream``: no model instances, no encrypted column a resource does
not print), each resource is built, serialised and written straight to its file,
and nothing is kept but counters. Files are owner-only
(0600, in a 0700 directory) and deleted once they expire.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from rapport.core import jobs
from rapport.interop.bulk_models import ExportJob
from rapport.interop.exports_types import registry

logger = logging.getLogger("rapport.interop.bulk")

CHUNK = 2000  # rows fetched per round trip
PROGRESS_EVERY = 5000  # resources between progress reports (and lease renewals)
PURGE_EVERY = timedelta(minutes=1)  # the expiry sweep runs this often, not every pass
_next_purge = {"at": 0.0}  # time.monotonic(): per process


@jobs.register("fhir_bulk_export")
def run_due_exports(worker: str) -> int:
    """Delete expired files, then run one queued export (the oldest)."""
    handled = purge_expired()
    active = ExportJob.objects.filter(status__in=ExportJob.ACTIVE)
    for pk in jobs.claim(active, worker=worker, due_field="created_at", limit=1):
        handled += run(pk, worker)
    return handled


class Cancelled(Exception):
    """The job was deleted, or its claim passed to another worker, while it ran."""


def run(pk: int, worker: str) -> int:
    """Write every file of one claimed job; 1 when it finished, 0 when it stopped."""
    job = ExportJob.objects.select_related("clinic", "api_key", "group").get(pk=pk)
    now = timezone.now()
    started = ExportJob.objects.filter(pk=pk, claimed_by=worker, status__in=ExportJob.ACTIVE)
    if not started.update(status=ExportJob.Status.RUNNING, started_at=now, written=0):
        return 0
    directory = job.directory
    shutil.rmtree(directory, ignore_errors=True)  # a retried job starts afresh
    directory.mkdir(mode=0o700, parents=True)
    progress = Progress(pk, worker)
    try:
        output = [entry for entry in write_files(job, directory, progress) if entry["count"]]
    except Cancelled:
        shutil.rmtree(directory, ignore_errors=True)
        ExportJob.objects.filter(pk=pk, status=ExportJob.Status.DELETED).update(
            purged_at=timezone.now()
        )
        return 0
    except Exception:
        logger.exception("bulk export failed", extra={"job": str(job.public_id)})
        shutil.rmtree(directory, ignore_errors=True)
        ExportJob.objects.filter(pk=pk, claimed_by=worker).update(
            status=ExportJob.Status.FAILED,
            error="The export failed on the server; ask again, or contact the clinic.",
            finished_at=timezone.now(),
            purged_at=timezone.now(),
        )
        return 1
    finished = timezone.now()
    done = ExportJob.objects.filter(pk=pk, claimed_by=worker, status=ExportJob.Status.RUNNING)
    if not done.update(
        status=ExportJob.Status.DONE,
        output=output,
        written=progress.written,
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.RAPPORT_EXPORT_HOURS),
        claimed_until=None,
    ):
        shutil.rmtree(directory, ignore_errors=True)  # deleted in the last instant
        return 0
    return 1


class Progress:
    """Counts resources; every ``PROGRESS_EVERY`` renews the claim and reports progress."""

    def __init__(self, pk: int, worker: str) -> None:
        self.pk, self.worker, self.written = pk, worker, 0

    def add(self, count: int = 1) -> None:
        before = self.written
        self.written += count
        if before // PROGRESS_EVERY != self.written // PROGRESS_EVERY:
            self.report()

    def report(self) -> None:
        now = timezone.now()
        mine = ExportJob.objects.filter(
            pk=self.pk,
            claimed_by=self.worker,
            status=ExportJob.Status.RUNNING,
            claimed_until__gt=now,
        )
        if not mine.update(claimed_until=now + jobs.LEASE, written=self.written):
            raise Cancelled


def write_files(job: ExportJob, directory: Path, progress: Progress) -> Iterator[dict[str, Any]]:
    """One NDJSON file per requested type; yields each file's manifest entry."""
    types = registry()
    practitioner = job.group or job.api_key.practitioner  # a caseload key exports its caseload
    for type_name in job.types:
        resource_type = types[type_name]
        rows = resource_type.rows(job.clinic, practitioner=practitioner, since=job.since)
        name = f"{type_name}.ndjson"
        resources = resource_type.stream(rows, chunk_size=CHUNK)
        count = write_ndjson(directory / name, resources, progress)
        if not count:
            (directory / name).unlink()
        yield {"type": type_name, "file": name, "count": count}


def write_ndjson(path: Path, resources: Iterable[dict[str, Any]], progress: Progress) -> int:
    """Write one resource per line to ``path`` (created 0600); return how many."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # The standard library's C encoder, compact: no faster encoder is a dependency.
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    with os.fdopen(descriptor, "w", encoding="utf-8", buffering=1 << 20) as out:
        for resource in resources:
            out.write(dumps(resource) + "\n")
            count += 1
            progress.add()
    return count


def purge_expired() -> int:
    """Delete the files of every expired (or deleted) job; how many jobs were swept."""
    if time.monotonic() < _next_purge["at"]:
        return 0
    _next_purge["at"] = time.monotonic() + PURGE_EVERY.total_seconds()
    now = timezone.now()
    expired = ExportJob.objects.filter(purged_at__isnull=True, expires_at__lte=now).exclude(
        status=ExportJob.Status.RUNNING
    )
    swept = 0
    for job in expired.only("pk", "public_id")[:100]:
        shutil.rmtree(job.directory, ignore_errors=True)
        swept += ExportJob.objects.filter(pk=job.pk, purged_at__isnull=True).update(purged_at=now)
    return swept
