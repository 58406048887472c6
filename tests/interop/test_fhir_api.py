"""The FHIR read API as an outside system uses it: a key, reads, searches, paging, errors."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from rapport.core.models import AuditEvent
from rapport.interop.models import ApiKey, KeyScope
from rapport.interop.resources import REGISTRY
from tests.factories import PROCESS_NOTE_SECRET, signed_in
from tests.interop.fhir_helpers import bearer, fill_record, issue_key, make_other_client

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def api(cast: SimpleNamespace) -> SimpleNamespace:
    record = fill_record(cast.client, cast.episode, cast.therapist)
    key, raw = issue_key(cast)
    return SimpleNamespace(record=record, key=key, raw=raw, http=HttpClient())


def get(api: SimpleNamespace, path: str, raw: str | None = None, **params: Any) -> Any:
    return api.http.get(f"/fhir/{path}", params, **bearer(raw or api.raw))


def valid(body: dict[str, Any]) -> dict[str, Any]:
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    return body


def test_the_capability_statement_is_public_and_names_its_profiles(db) -> None:
    answer = HttpClient().get("/fhir/metadata")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith(FHIR_JSON)
    statement = valid(answer.json())
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(by_type) == set(REGISTRY)
    assert by_type["QuestionnaireResponse"]["supportedProfile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-questionnaireresponse"
    ]
    assert "supportedProfile" not in by_type["Patient"]  # no gender on record: not US Core
    params = {p["name"] for p in by_type["Observation"]["searchParam"]}
    assert {"_id", "patient", "date", "code", "_lastUpdated", "_count"} <= params


def test_every_type_reads_by_id_and_validates(cast, api) -> None:
    rows = 0
    for name, kind in REGISTRY.items():
        for row in kind.rows(cast.clinic):
            resource_id = kind.build(row)["id"]
            answer = get(api, f"{name}/{resource_id}")
            assert answer.status_code == 200, (name, answer.content)
            assert answer["Content-Type"].startswith(FHIR_JSON)
            body = valid(answer.json())
            assert (body["resourceType"], body["id"]) == (name, resource_id)
            assert PROCESS_NOTE_SECRET not in answer.content.decode()
            rows += 1
    assert rows > len(REGISTRY)


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ({}, "no key"),
        (bearer("rpk_00000000_not-a-key"), "unknown key"),
        ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, "no key"),
    ],
)
def test_without_a_valid_key_the_answer_is_401(cast, api, header, why) -> None:
    answer = api.http.get(f"/fhir/Patient/{cast.client.public_id}", **header)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    outcome = valid(answer.json())
    assert outcome["resourceType"] == "OperationOutcome"
    event = AuditEvent.objects.get(action="interop.fhir.refused")
    assert why in event.fields


def test_an_expired_or_revoked_key_is_refused(cast, api) -> None:
    ApiKey.objects.filter(pk=api.key.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert get(api, "Patient").status_code == 401
    _key, raw = issue_key(cast, name="Second")
    ApiKey.objects.filter(lookup=_key.lookup).update(revoked_at=timezone.now())
    assert get(api, "Patient", raw).status_code == 401
    refused = AuditEvent.objects.filter(action="interop.fhir.refused").order_by("pk")
    assert [e.fields[-1] for e in refused] == ["expired key", "revoked key"]
    assert all(e.clinic_id == cast.clinic.pk for e in refused)


def test_a_signed_in_session_is_no_credential(cast, api) -> None:
    assert signed_in(cast.admin).get("/fhir/Patient").status_code == 401


def test_another_clinics_ids_and_unknown_ids_answer_404(cast, api) -> None:
    for path in (
        f"Patient/{cast.outsider_client.public_id}",
        "Patient/00000000-0000-4000-8000-000000000000",
        "Patient/not-a-uuid",
        "Questionnaire/no-such-form",
    ):
        answer = get(api, path)
        assert answer.status_code == 404, path
        assert valid(answer.json())["issue"][0]["code"] == "not-found"


def test_a_caseload_key_reads_its_caseload_and_is_refused_the_rest(cast, api) -> None:
    other_episode = make_other_client(cast)
    _key, raw = issue_key(cast, scope=KeyScope.CASELOAD, practitioner=cast.colleague)
    own = get(api, f"EpisodeOfCare/{other_episode.public_id}", raw)
    assert own.status_code == 200
    outside = get(api, f"Patient/{cast.client.public_id}", raw)
    assert outside.status_code == 403
    assert valid(outside.json())["issue"][0]["code"] == "forbidden"
    assert get(api, "Observation", raw, patient=str(cast.client.public_id)).status_code == 403
    patients = get(api, "Patient", raw).json()
    assert [e["resource"]["id"] for e in patients["entry"]] == [
        str(cast.colleague_client.public_id)
    ]
    practitioners = get(api, "Practitioner", raw).json()
    assert [e["resource"]["id"] for e in practitioners["entry"]] == [str(cast.colleague.public_id)]


def ids(bundle: dict[str, Any]) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def test_search_by_patient_code_date_and_last_updated(cast, api) -> None:
    record = api.record
    patient = f"Patient/{cast.client.public_id}"
    phq9 = get(api, "Observation", patient=patient, code="http://loinc.org|44261-6").json()
    assert valid(phq9)["type"] == "searchset"
    # The corrected response's score is gone; its correction stands.
    assert ids(phq9) == [str(record.corrected.public_id)]
    total = phq9["entry"][0]["resource"]
    assert total["valueQuantity"]["value"] == record.corrected.total
    assert total["derivedFrom"] == [
        {"reference": f"QuestionnaireResponse/{record.corrected.public_id}"}
    ]
    # Item 9's LOINC code finds the scores that answer it.
    assert ids(get(api, "Observation", code="44260-8").json()) == ids(phq9)
    responses = get(api, "QuestionnaireResponse", patient=str(cast.client.public_id)).json()
    assert len(ids(responses)) == 4
    statuses = {e["resource"]["id"]: e["resource"]["status"] for e in responses["entry"]}
    assert statuses[str(record.first.public_id)] == "entered-in-error"
    assert statuses[str(record.corrected.public_id)] == "amended"
    conditions = get(api, "Condition", code="F33.1").json()
    assert ids(conditions) == [str(record.current.public_id)]
    # Appointments: the booked one on 15 September, the missed one a week before.
    assert ids(get(api, "Appointment", date="2026-09-15").json()) == [str(record.booked.public_id)]
    assert ids(get(api, "Appointment", date="lt2026-09-15").json()) == [
        str(record.missed.public_id)
    ]
    both = get(api, "Appointment", date=["ge2026-09", "lt2026-10"]).json()
    assert sorted(ids(both)) == sorted([str(record.booked.public_id), str(record.missed.public_id)])
    # Everything was written just now: nothing changed after tomorrow, all since yesterday.
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert get(api, "Observation", _lastUpdated=f"gt{tomorrow}").json()["total"] == 0
    assert get(api, "Observation", _lastUpdated=f"ge{yesterday}").json()["total"] == 3
    assert ids(get(api, "Goal", _id=str(record.goal.public_id)).json()) == [
        str(record.goal.public_id)
    ]
    assert get(api, "Questionnaire", code="44249-1").json()["entry"][0]["resource"]["id"] == "phq9"


def test_paging_follows_next_and_previous_links(cast, api) -> None:
    seen: list[str] = []
    bundle = get(api, "QuestionnaireResponse", _count="3").json()
    assert bundle["total"] == 4
    pages = 0
    while True:
        pages += 1
        assert len(bundle["entry"]) <= 3
        seen += ids(bundle)
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert "self" in links
        if "next" not in links:
            break
        bundle = api.http.get(links["next"], **bearer(api.raw)).json()
    assert pages == 2
    assert len(seen) == len(set(seen)) == 4
    back = api.http.get(links["previous"], **bearer(api.raw)).json()
    assert ids(back) == seen[:3]


def test_count_is_bounded(cast, api) -> None:
    bundle = get(api, "Questionnaire", _count="5000").json()
    assert "_count=100" in bundle["link"][0]["url"]


@pytest.mark.parametrize(
    "params",
    [
        {"name": "Jordan"},
        {"date": "yesterday"},
        {"date": "2026-13-01"},
        {"_count": "0"},
        {"_count": "many"},
        {"patient": "Jordan Example"},
        {"code:text": "depression"},
        {"_format": "xml"},
    ],
)
def test_bad_search_parameters_answer_400(cast, api, params) -> None:
    answer = get(api, "Observation", **params)
    assert answer.status_code == 400, params
    assert valid(answer.json())["issue"][0]["code"] == "invalid"


def test_a_parameter_the_type_lacks_is_400(cast, api) -> None:
    assert get(api, "Goal", date="2026").status_code == 400
    assert get(api, "Patient", code="x").status_code == 400


def test_every_call_is_audited_with_its_key_and_subject(cast, api) -> None:
    get(api, f"Patient/{cast.client.public_id}")
    get(api, "Observation", patient=str(cast.client.public_id), _count="5")
    get(api, "Goal")
    read, searched, listed = AuditEvent.objects.filter(action__startswith="interop.fhir.").order_by(
        "pk"
    )
    assert read.action == "interop.fhir.read"
    assert read.subject_id == cast.client.public_id
    assert f"key:{api.key.public_id}" in read.fields
    assert searched.action == "interop.fhir.searched"
    assert searched.subject_id == cast.client.public_id
    assert {"fhir:Observation", "patient", "_count"} <= set(searched.fields)
    assert listed.subject_id is None
    assert listed.clinic_id == cast.clinic.pk
    api.key.refresh_from_db()
    assert api.key.last_used_at is not None


def test_only_reads_are_served(cast, api) -> None:
    answer = api.http.post("/fhir/Patient", {}, **bearer(api.raw))
    assert answer.status_code == 405
