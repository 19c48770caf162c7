"""When a study group's weekly meetings happen: a fixed UTC instant, every 7 days.

PURE: no Django import, no clock.

A group meets at `hour_utc`, an hour of the week counted in UTC from Monday 00:00 (0..167).
The first meeting is the first occurrence of that hour at or after the run's first day begins
(`starts_on` 00:00 in the run's timezone); every later meeting is exactly 7 × 24 hours after
the previous one, so the UTC instant never moves (see `calendar` for why). Week w therefore
starts on `starts_on + 7 (w - 1)` in the run's calendar, and its meeting falls in that week's
7-day window, except that around a daylight-saving change the window's edge shifts by an hour
in UTC while the meeting does not.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HOURS_PER_WEEK = 7 * 24
WEEK = dt.timedelta(days=7)


def run_week_starts_at(*, starts_on: dt.date, timezone: str, week: int) -> dt.datetime:
    """The aware UTC instant at which week `week` (from 1) of the run begins, local midnight."""
    if week < 1:
        raise ValueError("week counts from 1")
    day = starts_on + dt.timedelta(days=7 * (week - 1))
    local_midnight = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(timezone))
    return local_midnight.astimezone(dt.UTC)


def hour_of_week_utc(instant: dt.datetime) -> int:
    """The UTC hour of the week (Monday 00:00 UTC = 0) that `instant` falls in."""
    utc = instant.astimezone(dt.UTC)
    return utc.weekday() * 24 + utc.hour


def first_occurrence(*, hour_utc: int, not_before: dt.datetime) -> dt.datetime:
    """The first instant at UTC hour-of-week `hour_utc` that is not earlier than `not_before`."""
    if not 0 <= hour_utc < HOURS_PER_WEEK:
        raise ValueError(f"hour_utc must be within 0..{HOURS_PER_WEEK - 1}, got {hour_utc}")
    if not_before.tzinfo is None:
        raise ValueError("not_before must be aware")
    utc = not_before.astimezone(dt.UTC)
    monday = dt.datetime.combine(utc.date() - dt.timedelta(days=utc.weekday()), dt.time(0))
    candidate = monday.replace(tzinfo=dt.UTC) + dt.timedelta(hours=hour_utc)
    if candidate < utc:
        candidate += WEEK
    return candidate


def meeting_starts(
    *, starts_on: dt.date, timezone: str, hour_utc: int, weeks: int
) -> list[dt.datetime]:
    """Start instants (aware, UTC) of the meetings of weeks 1..`weeks`."""
    if weeks <= 0:
        return []
    first = first_occurrence(
        hour_utc=hour_utc,
        not_before=run_week_starts_at(starts_on=starts_on, timezone=timezone, week=1),
    )
    return [first + WEEK * index for index in range(weeks)]
