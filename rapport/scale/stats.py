"""The benchmark's arithmetic: latency percentiles, throughput and the ratio to the floor."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100), interpolating linearly between the nearest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def floor_ratio(floor_rps: float, page_rps: float) -> float:
    """How many times the floor's throughput exceeds the page's (1 = as cheap as the floor)."""
    if page_rps <= 0:
        return math.inf
    return floor_rps / page_rps


@dataclass(frozen=True)
class LoadResult:
    """What the load generator saw for one page.

    Throughput counts the requests completed inside the measured window; latency
    percentiles take every request started inside it, the slow ones still running
    when it closed included (leaving them out would flatter a slow page).
    """

    latencies: list[float]  # seconds: requests started in the window, expected status
    completed: int  # of those and earlier ones, completed inside the window
    errors: int
    seconds: float
    body_bytes: int  # of the last good response

    @property
    def rps(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, float | int | None]:
        ms = [latency * 1000 for latency in self.latencies]
        return {
            "requests": len(self.latencies),
            "errors": self.errors,
            "rps": round(self.rps, 2),
            "p50_ms": rounded(percentile(ms, 50)),
            "p95_ms": rounded(percentile(ms, 95)),
            "p99_ms": rounded(percentile(ms, 99)),
            "bytes": self.body_bytes,
        }


def rounded(value: float) -> float | None:
    """One decimal, or None (JSON null) when there was nothing to measure."""
    return None if math.isnan(value) or math.isinf(value) else round(value, 1)
