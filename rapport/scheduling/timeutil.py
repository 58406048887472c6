"""Wall-clock times to UTC and back, correct across DST changes.

Storage is UTC; people think in local wall-clock times. A weekly session at
10:00 in New York is 14:00Z in summer and 15:00Z in winter, so a series is
computed from (local date, local time, zone) for every occurrence, never by
adding 7 * 24 hours to a UTC instant.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC


def local_to_utc(day: dt.date, at: dt.time, zone: str) -> dt.datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone``.

    Documented behaviour for the two DST edge cases (PEP 495, fold=0):
    - an ambiguous time (autumn, the hour that happens twice) is the *first*
      occurrence, still on summer time;
    - a nonexistent time (spring, the skipped hour) is shifted *forward* by the
      gap: 02:30 on the spring-forward night in New York becomes 03:30 EDT.
    """
    local = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0)).replace(
        tzinfo=zoneinfo.ZoneInfo(zone)
    )
    # astimezone() on a fold=0 time in the gap uses the pre-transition offset,
    # which lands the instant after the gap: exactly "shift forward".
    return local.astimezone(UTC)


def utc_to_local(instant: dt.datetime, zone: str) -> dt.datetime:
    """The aware local datetime of a UTC (or any aware) instant in ``zone``."""
    return instant.astimezone(zoneinfo.ZoneInfo(zone))


def local_day_bounds(day: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC start and end of a local calendar day (23 or 25 hours on DST days)."""
    return local_to_utc(day, dt.time(0), zone), local_to_utc(
        day + dt.timedelta(days=1), dt.time(0), zone
    )
