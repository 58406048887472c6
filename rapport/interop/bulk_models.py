"""FHIR Bulk Data export jobs: asked for through ``$export``, run by the worker.

A job is a due row: the worker claims queued (or abandoned running) jobs through
a partial index that holds only those, writes one NDJSON file per resource type
under ``RAPPORT_EXPORT_DIR/<job>/`` and records the manifest. Files expire after
``RAPPORT_EXPORT_HOURS``; the worker deletes them then (docs/fhir.md, "Bulk export").
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

from rapport.core.models import ClinicKeyed, User
from rapport.interop.models import ApiKey


class ExportJob(ClinicKeyed):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"
        DELETED = "deleted", "deleted"

    # What the worker picks up: a queued job, or a running one whose worker's lease lapsed.
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    clinic_from = "api_key"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="+")
    # Group-level export: the practitioner whose caseload is the Group (None: system level).
    group = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    types = models.JSONField(default=list)  # resource types, in the order they are written
    since = models.DateTimeField(null=True)
    request_url = models.CharField(max_length=2000)  # the kick-off URL, echoed in the manifest
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    written = models.PositiveIntegerField(default=0)  # resources written so far (X-Progress)
    output = models.JSONField(default=list)  # [{"type", "file", "count"}], once done
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)  # files deleted by the worker after this
    purged_at = models.DateTimeField(null=True)  # files gone (expired or deleted by the client)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            # The worker's claim query walks only the few active jobs, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status__in=["queued", "running"]),
                name="export_job_active",
            ),
            # The expiry sweep reads only jobs whose files are still on disk.
            models.Index(
                fields=["expires_at"],
                condition=Q(purged_at__isnull=True, expires_at__isnull=False),
                name="export_job_files_kept",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.public_id}"

    @property
    def directory(self) -> Path:
        return Path(settings.RAPPORT_EXPORT_DIR) / str(self.public_id)

    def file_path(self, name: str) -> Path | None:
        """The path of one output file this job listed (None for any other name)."""
        listed = {entry["file"] for entry in self.output}
        return self.directory / name if name in listed else None
