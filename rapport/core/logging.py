"""Log hygiene: structured records carry opaque ids, never personal data or link secrets."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.urls import Resolver404, resolve

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# A path as Django's request and access logs write it (access lines wrap it in the request line).
_PATH = re.compile(r"(?<![\w/])/[^\s\"']*")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# An unrouted path segment this long is treated as a secret: ids in our URLs are UUIDs.
_OPAQUE = re.compile(r"[^/]{20,}")
MASK = "[token]"


def mask_path(path: str) -> str:
    """The path with its link token (any URL argument named ``*token*``) and query masked.

    Questionnaire, reminder-reply, calendar-feed and password links carry their
    secret in the path: whoever reads the log could otherwise use the link. A
    query may name a person (a search), so only its presence is kept.
    """
    path, query_mark, _query = path.partition("?")
    try:
        secrets = [str(v) for k, v in resolve(path).kwargs.items() if "token" in k]
    except Resolver404:
        secrets = [s for s in _OPAQUE.findall(path) if not _UUID.fullmatch(s)]
    for secret in secrets:
        path = path.replace(secret, MASK)
    return path + ("?[query]" if query_mark else "")


def _mask(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if "@" in value:
        value = _EMAIL.sub("[email]", value)
    return _PATH.sub(lambda m: mask_path(m.group()), value) if "/" in value else value


class RedactFilter(logging.Filter):
    """Last line of defence: mask e-mail addresses and link tokens in a message.

    Set on the console handler, and on the loggers of Django's request and
    access logs, which write the path of every refused request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # The JSON formatter writes extras too: never the request's own repr.
            record.request = f"<{request.method} {mask_path(request.get_full_path())}>"
        return True
