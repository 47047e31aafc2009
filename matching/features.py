"""Directory fields turned into what matching compares: a time zone band, years in the organization.

Pure (no Django import): the cohort builder calls these for every person of the pool.
"""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The same bands (and values) as the intake question `time_zone` in programs/catalog/questions.py,
# so a criterion on the directory field and one on the question compare alike. Each band is
# (value, lowest UTC offset in hours it holds); an offset belongs to the last band it reaches.
TIME_ZONE_BANDS = (
    ("utc_m8_m5", float("-inf")),  # Hawaii and Alaska join the Americas West band
    ("utc_m4_m1", -4.5),  # Venezuela's −4:30 is nearer the Atlantic than the East Coast
    ("utc_0_p2", -0.5),
    ("utc_p3_p5", 2.5),
    ("utc_p6_p9", 6.0),  # Nepal's +5:45 stays with South Asia (+5:30)
    ("utc_p10_p13", 9.75),
)
DAYS_PER_YEAR = 365.25


@lru_cache(maxsize=1024)
def _utc_offset_hours(tz_name: str, on: date) -> float | None:
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None
    # Noon avoids the hour a daylight-saving change skips or repeats.
    offset = datetime.combine(on, time(12), tzinfo=zone).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else None


def time_zone_band(tz_name: str | None, on: date | None = None) -> str | None:
    """The band (e.g. "utc_0_p2") of an IANA time zone on a given day (daylight saving moves
    London between bands' edges, so the day matters); None for an empty or unknown zone."""
    if not tz_name:
        return None
    offset = _utc_offset_hours(tz_name.strip(), on or date.today())
    if offset is None:
        return None
    band = TIME_ZONE_BANDS[0][0]
    for value, lowest in TIME_ZONE_BANDS:
        if offset >= lowest:
            band = value
    return band


def tenure_years(hire_date: date | None, on: date | None = None) -> float | None:
    """Years since the hire date (0 for a future start); None when the date is unknown."""
    if hire_date is None:
        return None
    days = ((on or date.today()) - hire_date).days
    return max(days, 0) / DAYS_PER_YEAR
