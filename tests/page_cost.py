"""What one page costs the database and the key ring: queries run, values decrypted.

Pages pin both: a list that prints names must not decrypt notes, and neither
number may grow with a client's history or a therapist's caseload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.core.crypto import counting_decryptions


@dataclass(frozen=True)
class PageCost:
    queries: int
    decrypted: int


def page_cost(http: Client, url: str, **extra: str) -> PageCost:
    """GET ``url`` (after one warming request) and measure the second response."""
    assert http.get(url, **extra).status_code == 200
    with CaptureQueriesContext(connection) as queries, counting_decryptions() as tally:
        response = http.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return PageCost(queries=len(queries), decrypted=tally.count)
