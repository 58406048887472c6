"""Log hygiene: structured records carry opaque ids, never personal data."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class RedactFilter(logging.Filter):
    """Last line of defence: mask e-mail addresses that slip into a message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "@" in record.msg:
            record.msg = _EMAIL.sub("[email]", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _EMAIL.sub("[email]", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
