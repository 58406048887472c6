"""Bulk export in the authorization matrix: a signed-in session is no credential (401).

Keys, scopes and other clinics' jobs are walked in tests/interop/test_bulk_export.py.
"""

from __future__ import annotations

import uuid

from tests.authz import Row, outcomes

NO_SESSION = outcomes(anon=401, no2fa=401, default=401, portal=401)
JOB = uuid.UUID("00000000-0000-4000-8000-000000000001")

EXPECTED = {
    "fhir:export": Row(NO_SESSION),
    "fhir:export_group": Row(NO_SESSION, lambda cast: {"group_id": cast.therapist.public_id}),
    "fhir:export_status": Row(NO_SESSION, lambda cast: {"job_id": JOB}),
    "fhir:export_file": Row(NO_SESSION, lambda cast: {"job_id": JOB, "name": "Patient.ndjson"}),
}
