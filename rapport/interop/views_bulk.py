"""FHIR Bulk Data export (docs/fhir.md, "Bulk export"): kick-off, status, files, deletion.

Kick-off answers 202 with ``Content-Location`` naming the job's status URL; the
worker writes the files. Only the key that asked may poll, download or delete:
another key of the clinic gets 403, another clinic's key 404, no key 401.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods

from rapport.core import audit
from rapport.core.models import Role, User
from rapport.interop.bulk_models import ExportJob
from rapport.interop.exports_types import registry
from rapport.interop.fhir_http import api_key_authenticated, outcome
from rapport.interop.models import ApiKey, KeyScope

NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = {NDJSON, "application/ndjson", "ndjson"}
KNOWN_PARAMETERS = {"_outputFormat", "_type", "_since"}


@require_GET
@api_key_authenticated
def export_system(request: HttpRequest, key: ApiKey) -> HttpResponse:
    return _kick_off(request, key, group=None)


@require_GET
@api_key_authenticated
def export_group(request: HttpRequest, key: ApiKey, group_id: uuid.UUID) -> HttpResponse:
    group = _caseload_owner(key, group_id)
    if group is None:
        return outcome(404, "not-found", "No such Group in this clinic.")
    if key.scope == KeyScope.CASELOAD and key.practitioner_id != group.pk:
        return outcome(403, "forbidden", "This key reads one practitioner's caseload only.")
    return _kick_off(request, key, group=group)


def _caseload_owner(key: ApiKey, group_id: uuid.UUID) -> User | None:
    """A Group is a therapist's caseload: its id is the therapist's Practitioner id."""
    return (
        User.objects.filter(
            clinic_id=key.clinic_id, public_id=group_id, staff_roles__role=Role.THERAPIST
        )
        .distinct()
        .first()
    )


def _kick_off(request: HttpRequest, key: ApiKey, *, group: User | None) -> HttpResponse:
    if "respond-async" not in request.headers.get("Prefer", ""):
        return outcome(
            400, "invalid", "Bulk export runs asynchronously: send Prefer: respond-async."
        )
    unknown = sorted(set(request.GET) - KNOWN_PARAMETERS)
    if unknown:
        return outcome(400, "not-supported", f"Unsupported parameter: {', '.join(unknown)}.")
    output_format = request.GET.get("_outputFormat", NDJSON)
    if output_format not in OUTPUT_FORMATS:
        return outcome(400, "not-supported", "The only output format is application/fhir+ndjson.")
    known = list(registry())
    asked = [name.strip() for name in request.GET.get("_type", "").split(",") if name.strip()]
    wrong = [name for name in asked if name not in known]
    if wrong:
        return outcome(400, "not-supported", f"Unknown resource type: {', '.join(wrong)}.")
    since = _since(request.GET.get("_since"))
    if since is False:
        return outcome(400, "invalid", "_since must be a FHIR instant with a time zone.")
    job = ExportJob.objects.create(
        clinic_id=key.clinic_id,
        api_key=key,
        group=group,
        types=[name for name in known if name in asked] if asked else known,
        since=since,
        request_url=request.build_absolute_uri()[:2000],
    )
    audit.record(
        request,
        "interop.export.requested",
        job,
        clinic=key.clinic,
        fields=[*job.types, *(["_since"] if since else [])],
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:export_status", args=[job.public_id])
    )
    return response


def _since(value: str | None) -> datetime | bool | None:
    """The parsed ``_since`` (None when absent; False when it is not an instant)."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return False
    if parsed is None or timezone.is_naive(parsed):
        return False
    return parsed


def _job(key: ApiKey, job_id: uuid.UUID) -> ExportJob | HttpResponse:
    """The job, if ``key`` asked for it: 404 beyond its clinic, 403 for another key."""
    job = (
        ExportJob.objects.filter(clinic_id=key.clinic_id, public_id=job_id)
        .exclude(status=ExportJob.Status.DELETED)
        .first()
    )
    if job is None:
        return outcome(404, "not-found", "No such export.")
    if job.api_key_id != key.pk:
        return outcome(403, "forbidden", "Only the key that asked for an export may read it.")
    return job


@require_http_methods(["GET", "DELETE"])
@api_key_authenticated
def export_status(request: HttpRequest, key: ApiKey, job_id: uuid.UUID) -> HttpResponse:
    job = _job(key, job_id)
    if isinstance(job, HttpResponse):
        return job
    if request.method == "DELETE":
        return _delete(request, key, job)
    if job.status in ExportJob.ACTIVE:
        response = HttpResponse(status=202)
        response["X-Progress"] = f"{job.status}: {job.written} resources written"
        response["Retry-After"] = "2"
        return response
    if job.status == ExportJob.Status.FAILED:
        return outcome(500, "exception", job.error)
    if job.purged_at is not None:
        return outcome(410, "expired", "This export's files have expired; ask for a new export.")
    response = JsonResponse(manifest(request, job))
    response["Expires"] = http_date(job.expires_at.timestamp())
    return response


def manifest(request: HttpRequest, job: ExportJob) -> dict:
    return {
        "transactionTime": job.started_at.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": entry["type"],
                "url": request.build_absolute_uri(
                    reverse("fhir:export_file", args=[job.public_id, entry["file"]])
                ),
                "count": entry["count"],
            }
            for entry in job.output
        ],
        "error": [],
    }


def _delete(request: HttpRequest, key: ApiKey, job: ExportJob) -> HttpResponse:
    """Cancel a running job or delete a finished one's files (the worker sweeps them)."""
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DELETED, expires_at=now)
    if job.status not in ExportJob.ACTIVE:
        shutil.rmtree(job.directory, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(purged_at=now)
    audit.record(request, "interop.export.deleted", job, clinic=key.clinic)
    return HttpResponse(status=202)


@require_GET
@api_key_authenticated
def export_file(request: HttpRequest, key: ApiKey, job_id: uuid.UUID, name: str) -> HttpResponse:
    job = _job(key, job_id)
    if isinstance(job, HttpResponse):
        return job
    path = job.file_path(name) if job.status == ExportJob.Status.DONE else None
    if path is None or job.purged_at is not None or not path.is_file():
        return outcome(404, "not-found", "No such file in this export.")
    audit.record(request, "interop.export.downloaded", job, clinic=key.clinic, fields=[name])
    return FileResponse(path.open("rb"), content_type=NDJSON)
