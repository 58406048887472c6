"""The suicidality workflow (safety.md §5.1). Placeholder until the safety feature lands."""

from __future__ import annotations

from rapport.measures.engine import Result
from rapport.measures.models import Response


def raise_alerts(response: Response, result: Result) -> None:
    raise NotImplementedError
