"""The pure conversion of a local weekly grid to UTC hours that hold in every week of a run."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpath.enrollment.availability import (
    AvailabilitySyntaxError,
    _requirements,
    format_ranges,
    local_to_utc_hours,
    parse_ranges,
    utc_hour_to_local,
    utc_hour_to_local_datetime,
)

hours = st.sets(st.integers(min_value=0, max_value=167), max_size=60)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 31))
weeks = st.integers(min_value=1, max_value=14)
ZONES = ["Europe/Oslo", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/Sao_Paulo", "Pacific/Chatham"]

OSLO_AUTUMN = dt.date(2026, 10, 19)  # a Monday; clocks go back on Sunday 25 October 2026
MON = 0


@given(hours, days, weeks)
def test_in_utc_the_hours_are_the_same_hours(local, first_day, n):
    assert local_to_utc_hours(local, "UTC", first_day, n) == sorted(local)


@given(hours, days, weeks)
def test_a_zone_without_daylight_saving_shifts_every_hour_by_its_offset(local, first_day, n):
    # Asia/Tokyo is UTC+9 all year: Monday 09:00 there is Monday 00:00 UTC.
    expected = sorted((hour - 9) % 168 for hour in local)
    assert local_to_utc_hours(local, "Asia/Tokyo", first_day, n) == expected


@settings(max_examples=60)
@given(hours, days, weeks, st.sampled_from(ZONES))
def test_the_whole_run_keeps_only_hours_that_hold_in_each_of_its_weeks(local, first_day, n, tz):
    result = set(local_to_utc_hours(local, tz, first_day, n))
    assert all(0 <= hour < 168 for hour in result)
    assert len(result) <= len(local)
    for week in range(n):
        start = first_day + dt.timedelta(weeks=week)
        one_week = local_to_utc_hours(local, tz, start, 1)
        # a week that loses an hour to a clock change has one UTC hour that never occurs in it
        absent = {h for h, needed in enumerate(_requirements(tz, start, 1)) if not needed}
        assert result <= set(one_week) | absent


@settings(max_examples=60)
@given(hours, hours, days, weeks, st.sampled_from(ZONES))
def test_choosing_more_local_hours_never_loses_a_utc_hour(local, more, first_day, n, tz):
    fewer = set(local_to_utc_hours(local, tz, first_day, n))
    assert fewer <= set(local_to_utc_hours(local | more, tz, first_day, n))


def test_oslo_monday_19_across_the_october_switch_is_no_hour_that_holds_every_week():
    # Monday 19:00 in Oslo is 17:00 UTC in summer time and 18:00 UTC after 25 October.
    assert local_to_utc_hours([MON + 19], "Europe/Oslo", OSLO_AUTUMN, 1) == [17]
    assert local_to_utc_hours([MON + 19], "Europe/Oslo", OSLO_AUTUMN + dt.timedelta(7), 1) == [18]
    assert local_to_utc_hours([MON + 19], "Europe/Oslo", OSLO_AUTUMN, 2) == []


def test_oslo_monday_19_to_21_across_the_switch_keeps_only_18_utc():
    # 18:00 UTC is 20:00 in summer time and 19:00 after: both hours the learner ticked.
    assert local_to_utc_hours([MON + 19, MON + 20], "Europe/Oslo", OSLO_AUTUMN, 3) == [18]


def test_a_local_hour_that_happens_twice_counts_as_both_of_its_instants():
    sunday_02 = 6 * 24 + 2  # 25 Oct 2026: 02:00-03:00 happens at 00:00 and 01:00 UTC
    assert local_to_utc_hours([sunday_02], "Europe/Oslo", OSLO_AUTUMN, 1) == [144, 145]


def test_a_local_hour_that_does_not_exist_makes_no_utc_hour_available():
    spring = dt.date(2026, 3, 23)  # clocks go forward on Sunday 29 March 2026 at 02:00
    sunday_02 = 6 * 24 + 2
    assert local_to_utc_hours([sunday_02], "Europe/Oslo", spring, 1) == []


def test_a_half_hour_zone_keeps_the_utc_hours_wholly_inside_the_local_ones():
    # Kolkata is UTC+5:30: local 18:00-20:00 covers 12:30-14:30 UTC, so 13:00 UTC only.
    assert local_to_utc_hours([MON + 18, MON + 19], "Asia/Kolkata", OSLO_AUTUMN, 2) == [13]


def test_an_unknown_timezone_is_refused_by_name():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        local_to_utc_hours([18], "Mars/Olympus", OSLO_AUTUMN, 1)


def test_utc_hours_read_back_on_the_learners_clock_for_the_week_in_question():
    assert utc_hour_to_local(17, "Europe/Oslo", OSLO_AUTUMN) == (0, 19)
    assert utc_hour_to_local(17, "Europe/Oslo", OSLO_AUTUMN + dt.timedelta(7)) == (0, 18)
    assert utc_hour_to_local(0, "America/New_York", OSLO_AUTUMN) == (6, 20)
    assert utc_hour_to_local_datetime(13, "Asia/Kolkata", OSLO_AUTUMN).minute == 30


def test_csv_availability_ranges_read_days_and_hours_with_the_end_hour_excluded():
    assert parse_ranges("Mon 18-21; Wed 19-21") == [18, 19, 20, 67, 68]
    assert parse_ranges("mon-wed 7-8, Sunday 23-24") == [7, 31, 55, 167]
    assert parse_ranges("Sat 10") == [130]
    assert parse_ranges("") == []


@pytest.mark.parametrize("text, code", [
    ("Monday evening", "unreadable"),
    ("Mun 18-21", "unknown_day"),
    ("Fri-Mon 18-21", "days_backwards"),
    ("Mon 21-18", "bad_hours"),
    ("Mon 18-25", "bad_hours"),
])
def test_bad_csv_availability_says_which_entry_and_why(text, code):
    with pytest.raises(AvailabilitySyntaxError) as caught:
        parse_ranges(f"Tue 9-10; {text}")
    assert caught.value.code == code
    assert caught.value.entry == text


@given(hours)
def test_writing_ranges_and_reading_them_back_gives_the_same_hours(local):
    assert parse_ranges(format_ranges(local)) == sorted(local)
