"""FHIR bulk export: kick-off, the real worker, the manifest, files, deletion and expiry."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from rapport.core.models import AuditEvent, Role
from rapport.interop import bulk
from rapport.interop.bulk_models import ExportJob
from rapport.interop.models import ApiKey, KeyScope
from tests.factories import make_staff

PREFER = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path) -> None:
    settings.RAPPORT_EXPORT_DIR = tmp_path / "exports"
    bulk._next_purge["at"] = 0.0


def key_for(cast: SimpleNamespace, clinic: Any = None, practitioner: Any = None) -> str:
    clinic = clinic or cast.clinic
    creator = cast.admin if clinic == cast.clinic else cast.outsider
    scope = KeyScope.CASELOAD if practitioner else KeyScope.CLINIC
    _key, raw = ApiKey.issue(
        clinic=clinic, name="export", created_by=creator, scope=scope, practitioner=practitioner
    )
    return raw


def api(raw: str | None) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}") if raw else HttpClient()


def kick_off(http: HttpClient, query: str = "", path: str | None = None) -> Any:
    return http.get((path or reverse("fhir:export")) + query, **PREFER)


def run_worker() -> None:
    call_command("worker", "--drain", "--interval=0")


def finished_manifest(http: HttpClient, status_url: str) -> dict[str, Any]:
    run_worker()
    response = http.get(status_url)
    assert response.status_code == 200, response.content
    return response.json()


def lines_of(http: HttpClient, url: str) -> list[dict[str, Any]]:
    response = http.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def test_it_runs_an_export_in_the_worker_and_serves_a_manifest_of_valid_ndjson(cast) -> None:
    http = api(key_for(cast))
    response = kick_off(http)
    assert response.status_code == 202
    status_url = response["Content-Location"]
    assert status_url.startswith("http://testserver/fhir/bulk/")

    waiting = http.get(status_url)
    assert waiting.status_code == 202
    assert "0 resources written" in waiting["X-Progress"]

    manifest = finished_manifest(http, status_url)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/$export")
    assert manifest["error"] == []
    types = {entry["type"] for entry in manifest["output"]}
    assert {"Patient", "Practitioner", "EpisodeOfCare"} <= types
    patients = []
    for entry in manifest["output"]:
        resources = lines_of(http, entry["url"])
        assert len(resources) == entry["count"] > 0
        for resource in resources:
            assert resource["resourceType"] == entry["type"]
            get_fhir_model_class(entry["type"]).model_validate(resource)
        if entry["type"] == "Patient":
            patients = [resource["id"] for resource in resources]
    clients = (cast.client, cast.colleague_client)
    assert sorted(patients) == sorted(str(client.public_id) for client in clients)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("interop.export.requested") == 1
    assert actions.count("interop.export.downloaded") == len(manifest["output"])


def test_it_never_writes_process_notes_into_the_files(cast) -> None:
    http = api(key_for(cast))
    manifest = finished_manifest(http, kick_off(http)["Content-Location"])
    for entry in manifest["output"]:
        body = b"".join(http.get(entry["url"]).streaming_content).decode()
        assert "countertransference" not in body


def test_it_exports_only_the_types_asked_for(cast) -> None:
    http = api(key_for(cast))
    response = kick_off(
        http, "?_type=Patient,EpisodeOfCare&_outputFormat=application/fhir%2Bndjson"
    )
    manifest = finished_manifest(http, response["Content-Location"])
    assert [entry["type"] for entry in manifest["output"]] == ["Patient", "EpisodeOfCare"]


def test_it_exports_only_what_changed_since(cast) -> None:
    http = api(key_for(cast))
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = http.get(reverse("fhir:export"), {"_type": "Patient", "_since": later}, **PREFER)
    manifest = finished_manifest(http, response["Content-Location"])
    assert manifest["output"] == []
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    response = http.get(reverse("fhir:export"), {"_type": "Patient", "_since": earlier}, **PREFER)
    manifest = finished_manifest(http, response["Content-Location"])
    assert [entry["count"] for entry in manifest["output"]] == [2]


@pytest.mark.parametrize(
    ("query", "headers", "words"),
    [
        ("", {}, "Prefer: respond-async"),
        ("?_type=Patient,Spaceship", PREFER, "Unknown resource type: Spaceship"),
        ("?_since=yesterday", PREFER, "_since"),
        ("?_since=2026-01-01T00:00:00", PREFER, "time zone"),
        ("?_outputFormat=text/csv", PREFER, "output format"),
        ("?_typeFilter=Patient%3Factive%3Dtrue", PREFER, "Unsupported parameter: _typeFilter"),
    ],
)
def test_it_refuses_a_kick_off_it_cannot_honour_and_queues_nothing(
    cast, query: str, headers: dict[str, str], words: str
) -> None:
    http = api(key_for(cast))
    response = http.get(reverse("fhir:export") + query, **headers)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert words in response.json()["issue"][0]["diagnostics"]
    assert not ExportJob.objects.exists()


def test_a_group_is_a_therapists_caseload(cast) -> None:
    http = api(key_for(cast))
    group_url = reverse("fhir:export_group", args=[cast.therapist.public_id])
    manifest = finished_manifest(
        http, kick_off(http, "?_type=Patient", group_url)["Content-Location"]
    )
    [entry] = manifest["output"]
    assert [r["id"] for r in lines_of(http, entry["url"])] == [str(cast.client.public_id)]


def test_a_caseload_key_exports_its_caseload_and_no_other_group(cast) -> None:
    http = api(key_for(cast, practitioner=cast.therapist))
    manifest = finished_manifest(http, kick_off(http, "?_type=Patient")["Content-Location"])
    [entry] = manifest["output"]
    assert [r["id"] for r in lines_of(http, entry["url"])] == [str(cast.client.public_id)]
    colleague_group = reverse("fhir:export_group", args=[cast.colleague.public_id])
    assert kick_off(http, "", colleague_group).status_code == 403


def test_a_group_outside_the_clinic_or_not_a_therapist_is_not_found(cast) -> None:
    http = api(key_for(cast))
    for user in (cast.outsider, cast.admin):
        url = reverse("fhir:export_group", args=[user.public_id])
        assert kick_off(http, "", url).status_code == 404


def test_status_and_files_answer_401_403_404_to_anyone_but_the_asking_key(cast) -> None:
    owner = api(key_for(cast))
    status_url = kick_off(owner, "?_type=Patient")["Content-Location"]
    manifest = finished_manifest(owner, status_url)
    file_url = manifest["output"][0]["url"]
    same_clinic = api(key_for(cast))
    other_clinic = api(key_for(cast, clinic=cast.other_clinic))
    for url in (status_url, file_url):
        assert api(None).get(url).status_code == 401
        assert api("rpk_00000000_forged").get(url).status_code == 401
        assert same_clinic.get(url).status_code == 403
        assert other_clinic.get(url).status_code == 404
    assert same_clinic.delete(status_url).status_code == 403
    assert owner.get(status_url).status_code == 200  # still there


def test_a_revoked_key_is_refused(cast) -> None:
    raw = key_for(cast)
    status_url = kick_off(api(raw))["Content-Location"]
    ApiKey.objects.update(revoked_at=timezone.now())
    assert api(raw).get(status_url).status_code == 401
    assert api(raw).delete(status_url).status_code == 401
    assert kick_off(api(None)).status_code == 401
    refused = AuditEvent.objects.filter(action="interop.fhir.refused").order_by("pk")
    assert [event.fields[-1] for event in refused] == ["revoked key", "revoked key", "no key"]
    assert ExportJob.objects.get().status != ExportJob.Status.DELETED


def test_files_are_readable_by_the_server_account_only(cast) -> None:
    http = api(key_for(cast))
    finished_manifest(http, kick_off(http)["Content-Location"])
    job = ExportJob.objects.get()
    assert stat.S_IMODE(os.stat(job.directory).st_mode) == 0o700
    files = list(job.directory.iterdir())
    assert files
    assert all(stat.S_IMODE(os.stat(path).st_mode) == 0o600 for path in files)


def test_delete_removes_the_files_and_is_audited(cast) -> None:
    http = api(key_for(cast))
    status_url = kick_off(http)["Content-Location"]
    manifest = finished_manifest(http, status_url)
    directory = ExportJob.objects.get().directory
    assert http.delete(status_url).status_code == 202
    assert not directory.exists()
    assert http.get(status_url).status_code == 404
    assert http.get(manifest["output"][0]["url"]).status_code == 404
    assert AuditEvent.objects.filter(action="interop.export.deleted").count() == 1


def test_delete_before_the_worker_runs_cancels_the_job(cast) -> None:
    http = api(key_for(cast))
    status_url = kick_off(http)["Content-Location"]
    assert http.delete(status_url).status_code == 202
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DELETED
    assert not job.directory.exists()


def test_the_worker_deletes_files_once_they_expire(cast) -> None:
    http = api(key_for(cast))
    status_url = kick_off(http)["Content-Location"]
    finished_manifest(http, status_url)
    job = ExportJob.objects.get()
    assert job.expires_at - job.finished_at == timedelta(hours=24)
    ExportJob.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    bulk._next_purge["at"] = 0.0
    run_worker()
    assert not job.directory.exists()
    gone = http.get(status_url)
    assert gone.status_code == 410
    assert gone.json()["resourceType"] == "OperationOutcome"


def test_a_job_abandoned_by_a_crashed_worker_is_run_again(cast) -> None:
    http = api(key_for(cast))
    status_url = kick_off(http, "?_type=Patient")["Content-Location"]
    lapsed = timezone.now() - timedelta(seconds=1)
    ExportJob.objects.update(
        status=ExportJob.Status.RUNNING, claimed_by="gone:1", claimed_until=lapsed
    )
    manifest = finished_manifest(http, status_url)
    assert [entry["count"] for entry in manifest["output"]] == [2]


def _peak_while_exporting(clinic_rows: int, cast: SimpleNamespace, raw: str) -> int:
    import tracemalloc

    http = api(raw)
    status_url = kick_off(http, "?_type=Patient")["Content-Location"]
    tracemalloc.start()
    run_worker()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    manifest = http.get(status_url).json()
    assert manifest["output"][0]["count"] == clinic_rows
    return peak


def test_memory_stays_flat_as_the_clinic_grows(cast, monkeypatch) -> None:
    from rapport.clients.models import Client

    # A small chunk keeps the test quick; the bound is the chunk, whatever its size.
    monkeypatch.setattr(bulk, "CHUNK", 50)
    raw = key_for(cast)
    therapist = make_staff(cast.clinic, "bulk-therapist", Role.THERAPIST)

    def grow_to(total: int) -> None:
        have = Client.objects.filter(clinic=cast.clinic).count()
        Client.objects.bulk_create(
            Client(
                clinic=cast.clinic,
                assigned_therapist=therapist,
                given_name=f"Bulk{n}",
                family_name="Client",
                date_of_birth=date(1990, 1, 1),
                email=f"bulk{n}@example.com",
            )
            for n in range(have, total)
        )

    grow_to(200)
    small = _peak_while_exporting(200, cast, raw)
    grow_to(2000)
    large = _peak_while_exporting(2000, cast, raw)
    # Ten times the rows: the peak is one chunk and the write buffer, not the clinic.
    assert large < small * 1.25, (small, large)


def test_output_files_live_under_the_export_directory(cast, settings) -> None:
    http = api(key_for(cast))
    finished_manifest(http, kick_off(http)["Content-Location"])
    job = ExportJob.objects.get()
    assert Path(settings.RAPPORT_EXPORT_DIR) in job.directory.parents
