"""Local send windows, pure: across timezones and daylight-saving changes."""

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from peerpath.messaging.windows import at_local, in_window, window_next

UTC = dt.UTC
EIGHT, NINE = dt.time(8), dt.time(9)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_a_moment_before_the_window_moves_to_its_opening_the_same_local_day():
    # 05:00 UTC is 06:00 in Oslo in winter: wait until 08:00 Oslo = 07:00 UTC
    assert window_next(utc(2026, 1, 12, 5), "Europe/Oslo", EIGHT, NINE) == utc(2026, 1, 12, 7)


def test_a_moment_after_the_window_moves_to_the_next_local_day():
    assert window_next(utc(2026, 1, 12, 10), "Europe/Oslo", EIGHT, NINE) == utc(2026, 1, 13, 7)


def test_a_moment_inside_the_window_stays():
    moment = utc(2026, 1, 12, 7, 30)
    assert window_next(moment, "Europe/Oslo", EIGHT, NINE) == moment


def test_the_same_instant_opens_at_each_recipients_own_eight_oclock():
    moment = utc(2026, 3, 2, 12)
    assert window_next(moment, "America/Chicago", EIGHT, NINE) == utc(2026, 3, 2, 14)
    assert window_next(moment, "Asia/Tokyo", EIGHT, NINE) == utc(2026, 3, 2, 23)
    assert window_next(moment, "Asia/Kolkata", EIGHT, NINE) == utc(2026, 3, 3, 2, 30)


def test_eight_oclock_keeps_its_local_hour_across_the_spring_and_autumn_changes():
    # Oslo: UTC+1 before 29 March 2026, UTC+2 after, UTC+1 again after 25 October
    assert window_next(utc(2026, 3, 28, 12), "Europe/Oslo", EIGHT, NINE) == utc(2026, 3, 29, 6)
    assert window_next(utc(2026, 3, 27, 12), "Europe/Oslo", EIGHT, NINE) == utc(2026, 3, 28, 7)
    assert window_next(utc(2026, 10, 24, 12), "Europe/Oslo", EIGHT, NINE) == utc(2026, 10, 25, 7)


def test_a_window_opening_inside_the_spring_gap_opens_when_the_gap_ends():
    # 02:30 does not exist in Oslo on 29 March 2026: clocks jump from 02:00 to 03:00 (01:00 UTC)
    opening = window_next(utc(2026, 3, 28, 23), "Europe/Oslo", dt.time(2, 30), dt.time(4))
    assert opening == utc(2026, 3, 29, 1)


def test_an_ambiguous_autumn_hour_counts_from_its_first_occurrence():
    # 02:30 happens twice in Oslo on 25 October 2026: first at 00:30 UTC
    assert at_local(dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Oslo") == utc(
        2026, 10, 25, 0, 30
    )


def test_a_window_over_midnight():
    assert in_window(utc(2026, 1, 12, 23), "UTC", dt.time(22), dt.time(6))
    assert in_window(utc(2026, 1, 12, 5), "UTC", dt.time(22), dt.time(6))
    assert window_next(utc(2026, 1, 12, 12), "UTC", dt.time(22), dt.time(6)) == utc(2026, 1, 12, 22)


def test_no_window_or_an_unknown_timezone_sends_at_once_or_in_utc():
    moment = utc(2026, 1, 12, 3)
    assert window_next(moment, "Europe/Oslo", None, None) == moment
    assert window_next(moment, "Not/AZone", EIGHT, NINE) == utc(2026, 1, 12, 8)


ZONES = [
    "Europe/Oslo",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "America/Santiago",
    "Pacific/Chatham",
]


@given(
    moment=st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
    start=st.integers(0, 23),
    length=st.integers(1, 23),
)
def test_the_next_window_moment_is_never_earlier_inside_the_window_and_within_two_days(
    moment, zone, start, length
):
    begin = dt.time(start)
    end = dt.time((start + length) % 24)
    found = window_next(moment, zone, begin, end)
    assert found >= moment
    assert found - moment <= dt.timedelta(days=2)
    local = found.astimezone(zoneinfo.ZoneInfo(zone))
    # inside the window, or exactly where a DST gap pushed the window's opening
    assert in_window(found, zone, begin, end) or local.minute == 0
