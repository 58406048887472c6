"""Issue 13's round trip: bulk-export the demo clinic, import its PHQ-9 responses into an
empty clinic, and get identical totals and bands."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from rapport.core.models import Clinic, Role, User
from rapport.interop.imports.commit import commit, preview
from rapport.interop.models import ApiKey, KeyScope
from rapport.measures.models import Response
from tests.factories import make_client, make_clinic, make_staff
from tests.interop.imports_helpers import verified

PREFER = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


def export_demo_clinic(clinic: Clinic) -> dict[str, list[str]]:
    """NDJSON lines by resource type, through $export and the real worker."""
    admin = User.objects.filter(clinic=clinic, staff_roles__role=Role.CLINIC_ADMIN).first()
    _key, raw = ApiKey.issue(clinic=clinic, name="move", created_by=admin, scope=KeyScope.CLINIC)
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    kicked = http.get(reverse("fhir:export") + "?_type=Patient,QuestionnaireResponse", **PREFER)
    assert kicked.status_code == 202, kicked.content
    call_command("worker", "--drain", "--interval=0")
    manifest = http.get(kicked["Content-Location"]).json()
    files: dict[str, list[str]] = {}
    for entry in manifest["output"]:
        body = b"".join(http.get(entry["url"]).streaming_content).decode()
        files.setdefault(entry["type"], []).extend(body.splitlines())
    return files


def test_the_demo_clinics_phq9_scores_survive_export_and_import(db, settings, tmp_path) -> None:
    settings.RAPPORT_EXPORT_DIR = tmp_path / "exports"
    call_command("seed_demo", stdout=StringIO())
    demo = Clinic.objects.get()
    files = export_demo_clinic(demo)
    responses = [json.loads(line) for line in files["QuestionnaireResponse"]]
    # The PHQ-9s in force: completed or amended (a corrected or stopped one is not a score).
    phq9 = [
        r
        for r in responses
        if ":phq9" in r["questionnaire"] and r["status"] in ("completed", "amended")
    ]
    assert len(phq9) > 20

    # The empty clinic already knows its clients (same names and dates of birth).
    empty = make_clinic("Hillside")
    therapist = make_staff(empty, "hillside-therapist", Role.THERAPIST)
    for client in demo.clients.all():
        make_client(
            empty,
            therapist,
            given_name=client.given_name,
            family_name=client.family_name,
            date_of_birth=client.date_of_birth,
        )
    text = "\n".join([*files["Patient"], *(json.dumps(r) for r in phq9)])
    checked = preview(verified(therapist), "fhir", text)
    assert checked.ok, checked.errors[:5]

    request = RequestFactory().post("/")
    request.user = therapist
    outcome = commit(request, "fhir", text)
    assert len(outcome.responses) == len(phq9)

    def name(response: Response) -> str:
        return f"{response.client.family_name}, {response.client.given_name}"

    def scores(clinic: Clinic) -> list[tuple[str, object, int, str]]:
        rows = Response.objects.filter(client__clinic=clinic, instrument="phq9", complete=True)
        rows = rows.filter(corrected_by__isnull=True).select_related("client")
        return sorted(
            (name(r), r.submitted_at.replace(microsecond=0), r.total, r.band) for r in rows
        )

    assert scores(empty) == scores(demo)
    assert set(Response.objects.filter(client__clinic=empty).values_list("mode", flat=True)) == {
        "imported"
    }
