"""A per-address limit on consultation requests, counted from the audit log.

Every stored request leaves an "intake.request.submitted" audit row carrying the
caller's address, so the log is the counter: no cache, no extra table.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest

from rapport.core.net import client_address
from rapport.core.ratelimit import under_limit

SUBMITTED = "intake.request.submitted"
LIMIT = 5
WINDOW = timedelta(hours=1)


def allowed(request: HttpRequest) -> bool:
    """Fewer than LIMIT requests stored from this address within WINDOW."""
    address = client_address(request)
    if address is None:
        return True  # nothing to count by; the honeypot still applies
    return under_limit(SUBMITTED, LIMIT, WINDOW, address=address)
