"""Outcome rules (measures.md §3). Placeholder until the outcomes feature lands."""

from __future__ import annotations

from rapport.measures.models import Response


def evaluate(response: Response) -> None:
    raise NotImplementedError
