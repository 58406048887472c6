"""Intake paperwork in the authorization matrix.

Portal: only the client signs (a guardian is refused, 403); the documents are the
clinic's, the same for every client, but a signed copy is cast.client's own (another
client's session: 404). Staff: clinic admins edit the documents; a signed PDF is
for staff who may see the client (colleague and outsider: 404).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from rapport.clients import paperwork
from rapport.clients.paperwork_models import DocumentKind
from tests.authz import Row, outcomes, portal_outcomes


def _consent(cast: SimpleNamespace) -> Any:
    documents = paperwork.current_documents(cast.client.clinic)
    return next(doc for doc in documents if doc.kind == DocumentKind.CONSENT)


def signature(cast: SimpleNamespace) -> dict[str, Any]:
    signed = paperwork.sign(
        cast.client,
        _consent(cast),
        typed_name=f"{cast.client.given_name} {cast.client.family_name}",
        signed_on=dt.date(2026, 11, 30),
        by=cast.therapist,
    )
    return {"public_id": signed.public_id}


EXPECTED = {
    "portal:paperwork": Row(portal_outcomes(guardian=403)),
    # The document to sign is named in the query (the clinic's, the same for everyone):
    # with none, the client is sent to the list of forms.
    "portal:paperwork_sign": Row(portal_outcomes(client=302, guardian=403)),
    "portal:paperwork_pdf": Row(portal_outcomes(guardian=403, other=404), signature),
    "clients:paperwork_edit": Row(
        outcomes(default=403, admin=200), lambda cast: {"kind": DocumentKind.CONSENT}
    ),
    "clients:paperwork_pdf": Row(outcomes(colleague=404, outsider=404), signature),
}
