"""Importing earlier scores in the authorization matrix.

Clinicians who write clinical data import (EDIT_CLINICAL): the therapist, the
colleague and the outsider reach the pages (each finds only their own clients);
supervisor, intake and admin are refused (403). An import's result page shows only
what the user may write for: another therapist's import answers 404.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from tests.authz import Row, outcomes

IMPORTERS = outcomes(supervisor=403, intake=403, admin=403)
# Preview and import take a POST; a GET goes back to the start page.
POST_PAGES = outcomes(default=302, supervisor=403, intake=403, admin=403)


def kind(cast: SimpleNamespace) -> dict[str, Any]:
    return {"kind": "csv"}


def an_import(cast: SimpleNamespace) -> dict[str, Any]:
    """One PHQ-9 imported for cast.client by cast.therapist (made once per cast)."""
    if not hasattr(cast, "import_id"):
        from datetime import timedelta

        from django.utils import timezone

        from rapport.measures import instruments
        from rapport.measures.imported import record_imported

        cast.import_id = uuid.uuid4()
        record_imported(
            client=cast.client,
            instrument=instruments.get("phq9"),
            answers={f"q{n}": 0 for n in range(1, 10)},
            total=None,
            submitted_at=timezone.now() - timedelta(days=400),
            entered_by=cast.therapist,
            import_id=cast.import_id,
            source_detail="CSV row 2",
        )
    return {"import_id": cast.import_id}


EXPECTED = {
    "interop:imports": Row(IMPORTERS),
    "interop:import_template": Row(IMPORTERS),
    "interop:import_preview": Row(POST_PAGES, kind),
    "interop:import_commit": Row(POST_PAGES, kind),
    "interop:import_done": Row(
        outcomes(supervisor=403, intake=403, admin=403, colleague=404, outsider=404), an_import
    ),
}
