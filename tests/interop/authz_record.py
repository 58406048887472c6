"""A client's full record in the authorization matrix.

Staff make the record by POST (GET: 405); reviewing a portal request is a decision
on the record: its therapist only (supervisor, intake and admin 403; colleague and
outsider 404). In the portal only the client asks and downloads (a guardian: 403),
and another client's session never reaches cast.client's copy (404).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_WRITE, POST_ONLY, Row, portal_outcomes


def open_request(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.interop import record_requests

    row, _new = record_requests.ask(cast.client, cast.client.assigned_therapist)
    return {"public_id": row.public_id}


def released(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.interop import record_requests
    from rapport.interop.record_models import RecordRequest

    record_requests.ask(cast.client, cast.therapist)
    row = RecordRequest.objects.get(client=cast.client, status=RecordRequest.Status.REQUESTED)
    record_requests.release(row, cast.therapist)
    return {"public_id": row.public_id}


def client(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id}


EXPECTED = {
    "interop:record_download": Row(POST_ONLY, client),
    "interop:record_request": Row(CLINICAL_WRITE, open_request),
    "interop:record_release": Row(POST_ONLY, open_request),
    "interop:record_decline": Row(POST_ONLY, open_request),
    "portal:records": Row(portal_outcomes(guardian=403)),
    "portal:record_file": Row(portal_outcomes(guardian=403, other=404), released),
}
