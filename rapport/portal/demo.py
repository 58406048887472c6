"""The portal's part of the demo clinic: Jordan Example has portal access, so a demo
can ask for a sign-in link at /portal/sign-in/ and read it from the outbox."""

from __future__ import annotations

from typing import Any

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.portal.accounts import open_account


@demo_loader(order=600)
def load_portal_accounts(clinic: Any, staff: dict[str, Any]) -> None:
    jordan = Client.objects.filter(clinic=clinic, given_name="Jordan").first()
    if jordan is not None and jordan.email:
        open_account(jordan, invited_by=staff["therapist"], email=jordan.email)
