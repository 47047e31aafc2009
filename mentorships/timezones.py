"""Members' local times ↔ the UTC instants meetings are stored in. Pure: no Django import.

A member types a meeting's date and time as their wall clock shows it; the pages turn it into
UTC with `local_to_utc`, and emails show it back in each recipient's own zone (`person_zone`).

Daylight saving makes two kinds of wall-clock time special, and both get one fixed answer
(PEP 495 `fold=0`), so the same input always gives the same instant:
- a time that does not exist (the clock jumps from 02:00 to 03:00; 02:30 is skipped) is read
  with the offset in force before the jump, which lands as far past the jump as it was typed
  past 02:00: 02:30 becomes 03:30;
- a time that happens twice (the clock falls back from 03:00 to 02:00; 02:30 comes round
  twice) is the first of the two, when summer time still applies.
`local_time_kind` tells the pages which case an input is, so they can say so.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"


def zone(name: str | None, fallback: str = DEFAULT_ZONE) -> ZoneInfo:
    """The IANA zone `name`; `fallback` (then UTC) when it is empty or unknown, so a typo in the
    directory shows times in a known zone instead of failing an email."""
    for candidate in (name, fallback, DEFAULT_ZONE):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo(DEFAULT_ZONE)


def person_zone(person, fallback: str = DEFAULT_ZONE) -> ZoneInfo:
    """A person's own time zone (`Person.time_zone`); `fallback` when they have none, which
    callers set to the organization's zone when they have it at hand."""
    return zone(getattr(person, "time_zone", ""), fallback)


def local_time_kind(naive: datetime, tz_name: str) -> str:
    """What a wall-clock time is in zone `tz_name`: "regular", "nonexistent" (skipped by a
    spring-forward jump) or "ambiguous" (repeated by a fall-back)."""
    tz = zone(tz_name)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "regular"
    # In a gap, the wall time does not survive the round trip through UTC.
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "nonexistent" if round_trip != naive else "ambiguous"


def local_to_utc(naive: datetime, tz_name: str) -> datetime:
    """The UTC instant of wall-clock time `naive` in zone `tz_name` (empty or unknown: UTC).
    Nonexistent and ambiguous times are resolved as the module docstring says."""
    if naive.tzinfo is not None:
        raise ValueError("local_to_utc expects a wall-clock time without a time zone.")
    return naive.replace(tzinfo=zone(tz_name), fold=0).astimezone(UTC)
