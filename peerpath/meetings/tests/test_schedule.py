"""When a group's weekly meetings fall (pure)."""

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerpath.meetings.schedule import (
    first_occurrence,
    hour_of_week_utc,
    meeting_starts,
    run_week_starts_at,
)

ZONES = ["Europe/Oslo", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]


def test_first_meeting_is_the_groups_hour_in_the_runs_first_week():
    # Run starts Wednesday 14 October 2026; the group meets Mondays 17:00 UTC.
    starts = meeting_starts(
        starts_on=dt.date(2026, 10, 14), timezone="Europe/Oslo", hour_utc=17, weeks=2
    )

    assert starts == [
        dt.datetime(2026, 10, 19, 17, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 26, 17, tzinfo=dt.UTC),
    ]


def test_an_hour_on_the_previous_utc_day_still_falls_on_the_runs_first_local_day():
    # Monday 12 October 00:00 in Oslo is Sunday 11 October 22:00 UTC; the group meets
    # Sundays 23:00 UTC, which is Monday 01:00 in Oslo: the first day of the run.
    [first] = meeting_starts(
        starts_on=dt.date(2026, 10, 12), timezone="Europe/Oslo", hour_utc=6 * 24 + 23, weeks=1
    )

    assert first == dt.datetime(2026, 10, 11, 23, tzinfo=dt.UTC)
    assert first.astimezone(ZoneInfo("Europe/Oslo")).date() == dt.date(2026, 10, 12)


def test_hour_out_of_range_is_refused():
    with pytest.raises(ValueError, match="hour_utc"):
        first_occurrence(hour_utc=168, not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


@given(
    starts_on=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
    zone=st.sampled_from(ZONES),
    hour_utc=st.integers(0, 167),
    weeks=st.integers(1, 14),
)
def test_meetings_keep_the_groups_utc_hour_exactly_a_week_apart_from_the_first_week(
    starts_on, zone, hour_utc, weeks
):
    starts = meeting_starts(starts_on=starts_on, timezone=zone, hour_utc=hour_utc, weeks=weeks)
    week_one = run_week_starts_at(starts_on=starts_on, timezone=zone, week=1)
    week_two = run_week_starts_at(starts_on=starts_on, timezone=zone, week=2)

    assert len(starts) == weeks
    assert all(hour_of_week_utc(start) == hour_utc for start in starts)
    assert all(later - earlier == dt.timedelta(days=7) for earlier, later in pairwise(starts))
    assert week_one <= starts[0] < week_one + dt.timedelta(days=7)
    assert starts[0] < week_two + dt.timedelta(hours=1)  # a DST change moves the edge by 1 h
    assert {start.tzinfo for start in starts} == {dt.UTC}
