"""Demo data: the public site's default pages for the demo clinic."""

from __future__ import annotations

from typing import Any

from rapport.core.hooks import demo_loader
from rapport.intake import services


@demo_loader(order=400)
def load_public_pages(clinic: Any, staff: dict[str, Any]) -> None:
    services.pages_for(clinic)
