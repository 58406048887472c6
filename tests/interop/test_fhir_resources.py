"""Every resource the FHIR API and the exports build validates as FHIR R4 (fhir.resources R4B).

The cast's client gets a full record (tests/interop/fhir_helpers.py): scores, one
corrected, a licensed instrument, a diagnosis changed once, goals, a maintenance
plan, appointments held and missed. Building every row exercises every builder.
"""

from __future__ import annotations

import json

from fhir.resources.R4B import get_fhir_model_class

from rapport.interop.resources import REGISTRY
from tests.factories import PROCESS_NOTE_SECRET
from tests.interop.fhir_helpers import fill_record


def test_every_type_validates_as_r4(cast) -> None:
    fill_record(cast.client, cast.episode, cast.therapist)
    built: dict[str, int] = {}
    for name, resource_type in REGISTRY.items():
        model = get_fhir_model_class(name)
        for row in resource_type.rows(cast.client.clinic):
            resource = resource_type.build(row)
            assert resource["resourceType"] == name
            model.model_validate(resource)  # raises on anything R4 does not allow
            json.dumps(resource)  # JSON-ready as it is
            built[name] = built.get(name, 0) + 1
    # At least one of each: the check above ran on every builder.
    assert set(built) == set(REGISTRY), set(REGISTRY) - set(built)


def test_no_note_text_reaches_any_resource(cast) -> None:
    # The cast's session note has a process note; its own text fields are filled too.
    cast.note.symptom_review = "SYMPTOM-TEXT-NOT-FOR-EXPORT"
    cast.note.save()
    out = json.dumps(
        [rt.build(row) for rt in REGISTRY.values() for row in rt.rows(cast.client.clinic)]
    )
    assert PROCESS_NOTE_SECRET not in out
    assert "SYMPTOM-TEXT-NOT-FOR-EXPORT" not in out
    assert "Grief after a loss" not in out  # the client's clinical background


def test_exports_build_from_columns_exactly_what_the_api_builds(cast) -> None:
    # Exports read plain columns (values()); the API builds from model instances.
    fill_record(cast.client, cast.episode, cast.therapist)
    for resource_type in REGISTRY.values():
        rows = resource_type.rows(cast.client.clinic)
        from_instances = [resource_type.build(row) for row in rows]
        assert list(resource_type.stream(rows, chunk_size=2)) == from_instances


def test_exports_decrypt_only_the_columns_a_resource_prints(cast) -> None:
    from rapport.core.crypto import counting_decryptions

    fill_record(cast.client, cast.episode, cast.therapist)
    clinic = cast.client.clinic
    for name in ("Patient", "Appointment", "Encounter", "EpisodeOfCare", "Condition"):
        with counting_decryptions() as tally:
            list(REGISTRY[name].stream(REGISTRY[name].rows(clinic)))
        assert tally.count == 0, name  # no clinical background, note text or reasons
    for name in ("QuestionnaireResponse", "Observation"):
        rows = REGISTRY[name].rows(clinic)
        with counting_decryptions() as tally:
            list(REGISTRY[name].stream(rows))
        assert tally.count == rows.count(), name  # the answers, never the client's columns
