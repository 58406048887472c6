"""Which language a client reads: their stored preference (issue 11 item 10).

E-mails to a client are rendered inside ``for_client(client)``, so their subject and
body come out in the client's language whatever the language of the request or worker
that queued them. Clinic-written text (crisis line labels, public pages) is shown as
the clinic wrote it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.utils import translation

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def supported(code: str | None) -> str:
    """``code`` if Rapport speaks it (``es-mx`` counts as ``es``), else the default language."""
    base = (code or "").split("-")[0].lower()
    return base if base in SUPPORTED else settings.LANGUAGE_CODE


def language_of(client: Any) -> str:
    """The client's preferred language; the default for no client (a consultation request)."""
    return supported(getattr(client, "preferred_language", None))


def for_client(client: Any) -> AbstractContextManager:
    """Render inside this to write to ``client`` in their language."""
    return translation.override(language_of(client))
