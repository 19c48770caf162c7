"""Local send windows (pure: no Django).

A message may go out only between two local wall-clock times in its recipient's timezone, for
example 08:00–09:00. `window_next` moves an instant to the earliest moment at or after it that
falls inside the window, honestly across daylight-saving changes: a local time that does not
exist on a spring-forward day is taken as the first instant after the gap, and an ambiguous
autumn hour counts from its first occurrence.

A window whose end is before its start runs over midnight (22:00–06:00). A window with equal
start and end, or no start, means "any time".
"""

import datetime as dt
import zoneinfo
from functools import lru_cache


@lru_cache(maxsize=1024)
def tz_or_utc(name: str | None) -> dt.tzinfo:
    if not name:
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_to_utc(day: dt.date, clock: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The instant at which the wall clock in `tz` shows `clock` on `day` (the first one if the
    hour repeats; the end of the gap if it is skipped)."""
    naive = dt.datetime.combine(day, clock)
    first = naive.replace(tzinfo=tz, fold=0)
    instant = first.astimezone(dt.UTC)
    # A skipped wall time does not survive the round trip: move to the end of the gap.
    back = instant.astimezone(tz).replace(tzinfo=None)
    if back != naive:
        return _gap_end(naive, tz)
    return instant


def _gap_end(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The instant a daylight-saving gap containing the wall time `naive` ends (bisection
    between the two readings of the missing time, which lie either side of the change)."""
    readings = sorted(int(naive.replace(tzinfo=tz, fold=fold).timestamp()) for fold in (0, 1))
    low, high = readings  # offset changes somewhere in (low, high]; changes fall on seconds
    before = dt.datetime.fromtimestamp(low, dt.UTC).astimezone(tz).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, dt.UTC).astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return dt.datetime.fromtimestamp(high, dt.UTC)


def in_window(instant: dt.datetime, tz_name: str | None, start, end) -> bool:
    if start is None or end is None or start == end:
        return True
    local = instant.astimezone(tz_or_utc(tz_name)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def window_next(instant: dt.datetime, tz_name: str | None, start, end) -> dt.datetime:
    """The earliest instant at or after `instant` inside the local window [start, end)."""
    if instant.tzinfo is None:
        raise ValueError("window_next needs an aware datetime")
    if in_window(instant, tz_name, start, end):
        return instant
    tz = tz_or_utc(tz_name)
    local_day = instant.astimezone(tz).date()
    for offset in range(0, 3):
        # If the start falls into a spring-forward gap this is the gap's end: still the
        # earliest moment of that day's window.
        opening = local_to_utc(local_day + dt.timedelta(days=offset), start, tz)
        if opening >= instant:
            return opening
    raise AssertionError("a daily window always opens within two days")  # pragma: no cover


@lru_cache(maxsize=65536)
def at_local(day: dt.date, clock: dt.time, tz_name: str | None) -> dt.datetime:
    """`clock` on `day` in the timezone named `tz_name`, as an aware UTC instant."""
    return local_to_utc(day, clock, tz_or_utc(tz_name))
