"""The IDOR walk, extended to /fhir/: a key never reaches another clinic's objects.

Every resource type is read by the id of another clinic's object with a key of
this clinic (and the other way round): each answers 404, as an unknown id does,
and searching by those ids finds nothing. Nothing is written by any of it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient

from rapport.core.models import AuditEvent
from rapport.interop.models import ApiKey
from rapport.interop.resources import REGISTRY
from tests.factories import make_episode, make_note
from tests.interop.fhir_helpers import bearer, fill_record, issue_key

PER_CLINIC = sorted(name for name in REGISTRY if name != "Questionnaire")  # the catalogue is shared


@pytest.fixture
def two_clinics(cast: SimpleNamespace) -> SimpleNamespace:
    fill_record(cast.client, cast.episode, cast.therapist)
    outsider_episode = make_episode(cast.outsider_client)
    make_note(outsider_episode)
    fill_record(cast.outsider_client, outsider_episode, cast.outsider)
    _key, ours = issue_key(cast)
    _theirs, theirs = ApiKey.issue(
        clinic=cast.other_clinic, name="Theirs", created_by=cast.outsider
    )
    return SimpleNamespace(ours=ours, theirs=theirs)


def _ids(name: str, clinic) -> list[str]:
    kind = REGISTRY[name]
    return [kind.build(row)["id"] for row in kind.rows(clinic)]


def test_the_walk_covers_every_per_clinic_type(cast, two_clinics) -> None:
    for name in PER_CLINIC:
        assert _ids(name, cast.other_clinic), f"the outsider's record has no {name}"


@pytest.mark.parametrize("name", PER_CLINIC)
def test_a_key_reads_no_object_of_another_clinic(cast, two_clinics, name: str) -> None:
    http = HttpClient()
    before = AuditEvent.objects.exclude(action__startswith="interop.fhir.").count()
    for clinic, raw in ((cast.other_clinic, two_clinics.ours), (cast.clinic, two_clinics.theirs)):
        for resource_id in _ids(name, clinic):
            answer = http.get(f"/fhir/{name}/{resource_id}", **bearer(raw))
            assert answer.status_code == 404, (name, answer.status_code)
            assert answer.json()["resourceType"] == "OperationOutcome"
            found = http.get(f"/fhir/{name}", {"_id": resource_id}, **bearer(raw)).json()
            assert found["total"] == 0, name
    # Refusals are audited; nothing else was written.
    assert AuditEvent.objects.exclude(action__startswith="interop.fhir.").count() == before


def test_a_search_for_another_clinics_patient_finds_nothing(cast, two_clinics) -> None:
    http = HttpClient()
    by_patient = [n for n in PER_CLINIC if REGISTRY[n].client_path not in (None, "pk")]
    assert len(by_patient) == 8
    for name in by_patient:
        bundle = http.get(
            f"/fhir/{name}",
            {"patient": str(cast.outsider_client.public_id)},
            **bearer(two_clinics.ours),
        ).json()
        assert bundle["total"] == 0, name
