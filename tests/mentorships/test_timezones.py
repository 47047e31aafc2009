"""A member's wall-clock input becomes one UTC instant, daylight-saving edges included."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from mentorships.timezones import local_time_kind, local_to_utc, person_zone


def test_a_regular_time_uses_the_zones_offset_of_that_day():
    assert local_to_utc(datetime(2026, 1, 15, 9, 0), "America/New_York") == datetime(2026, 1, 15, 14, 0, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 7, 15, 9, 0), "America/New_York") == datetime(2026, 7, 15, 13, 0, tzinfo=UTC)
    assert local_time_kind(datetime(2026, 7, 15, 9, 0), "America/New_York") == "regular"


def test_a_time_skipped_by_the_spring_jump_lands_just_after_it():
    """Berlin, 29 March 2026: clocks jump from 02:00 to 03:00, so 02:30 does not exist; it is
    read as 03:30 summer time (01:30 UTC), never refused, never before the jump."""
    skipped = datetime(2026, 3, 29, 2, 30)
    assert local_time_kind(skipped, "Europe/Berlin") == "nonexistent"
    utc = local_to_utc(skipped, "Europe/Berlin")
    assert utc == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert utc.astimezone(person_zone(SimpleNamespace(time_zone="Europe/Berlin"))).hour == 3


def test_a_time_repeated_by_the_autumn_fall_back_is_the_first_of_the_two():
    """Berlin, 25 October 2026: 02:30 happens twice; the first (still summer time, UTC+2) counts."""
    repeated = datetime(2026, 10, 25, 2, 30)
    assert local_time_kind(repeated, "Europe/Berlin") == "ambiguous"
    assert local_to_utc(repeated, "Europe/Berlin") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_an_empty_or_unknown_zone_counts_as_utc():
    assert local_to_utc(datetime(2026, 5, 1, 12, 0), "") == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 5, 1, 12, 0), "Mars/Olympus") == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_an_aware_time_is_refused_rather_than_reinterpreted():
    with pytest.raises(ValueError):
        local_to_utc(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), "Europe/Berlin")


def test_a_persons_zone_falls_back_to_the_given_default_then_utc():
    assert person_zone(SimpleNamespace(time_zone="Asia/Tokyo")).key == "Asia/Tokyo"
    assert person_zone(SimpleNamespace(time_zone=""), fallback="Europe/Paris").key == "Europe/Paris"
    assert person_zone(SimpleNamespace(time_zone="")).key == "UTC"
    assert person_zone(SimpleNamespace(time_zone="Not/AZone"), fallback="").key == "UTC"
