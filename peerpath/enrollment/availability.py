"""Weekly availability: from the learner's local grid to the UTC hours they can make every week.

PURE: no Django. An hour of the week is an int, Monday 00:00 = 0 ... Sunday 23:00 = 167.

A learner ticks local hours ("Monday 19:00" in Europe/Oslo). Grouping needs hours every member
can make, so the local grid is turned into UTC hours of the week — honestly: when the clocks
change during the run, Monday 19:00 in Oslo is 17:00 UTC before the switch and 18:00 UTC after
it, so neither is an hour the learner can make in *every* week. The rule:

    a UTC hour of the week H is kept when, at every occurrence of H between the run's first
    local midnight and its last, the learner's local clock shows hours they ticked (all of the
    UTC hour: with a half-hour offset that is two local hours).

Working from UTC instants to local time is total and unambiguous, which settles the
daylight-saving edge cases deliberately:

- a local hour that does not exist (skipped when clocks go forward) is never shown by the
  clock, so it makes no UTC hour available that week;
- a local hour that happens twice (clocks go back) is shown twice, so both of its UTC hours
  count as available that week — the learner's clock says they are free at both.

The CSV format of availability ("Mon 18-21; Wed 19-21") is parsed and written here too.
"""

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

HOURS_PER_WEEK = 168
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_INDEX = {name[:3].lower(): i for i, name in enumerate(DAY_NAMES)}
_DAY_INDEX.update({name.lower(): i for i, name in enumerate(DAY_NAMES)})
_UTC = dt.UTC


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """Every IANA name the system knows (zoneinfo), for validation and the sign-up select."""
    return frozenset(available_timezones())


def zone(tz_name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError naming it when it is unknown."""
    if not isinstance(tz_name, str) or tz_name not in timezone_names():
        raise ValueError(f"unknown timezone {tz_name!r}")
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {tz_name!r}") from None


def hour_of_week(moment: dt.datetime) -> int:
    return moment.weekday() * 24 + moment.hour


def check_hours(hours) -> frozenset[int]:
    """The hours as a set; ValueError naming the first that is not an hour of the week."""
    result = set()
    for hour in hours:
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour < HOURS_PER_WEEK:
            raise ValueError(f"{hour!r} is not an hour of the week (0 to 167)")
        result.add(hour)
    return frozenset(result)


@lru_cache(maxsize=256)
def _requirements(tz_name: str, first_day: dt.date, weeks: int) -> tuple[frozenset[int], ...]:
    """For each UTC hour of the week: the local hours of the week its occurrences fall on.

    Computed once per (timezone, run) so that thousands of learners cost set look-ups only.
    An empty set means the UTC hour never occurs in the run (possible in a one-week run that
    loses an hour)."""
    tz = zone(tz_name)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz).astimezone(_UTC)
    end_day = first_day + dt.timedelta(weeks=weeks)
    end = dt.datetime.combine(end_day, dt.time(0), tzinfo=tz).astimezone(_UTC)
    needed: list[set[int]] = [set() for _ in range(HOURS_PER_WEEK)]
    # Whole UTC hours only; a run starting at a local midnight with a fractional offset begins
    # part-way through a UTC hour, which is then left out (it is not wholly inside the run).
    moment = start.replace(minute=0, second=0, microsecond=0)
    if moment < start:
        moment += dt.timedelta(hours=1)
    one_hour, last_second = dt.timedelta(hours=1), dt.timedelta(hours=1, seconds=-1)
    while moment + one_hour <= end:
        first_local = moment.astimezone(tz)
        last_local = (moment + last_second).astimezone(tz)
        slot = needed[hour_of_week(moment)]
        slot.add(hour_of_week(first_local))
        slot.add(hour_of_week(last_local))
        moment += one_hour
    return tuple(frozenset(hours) for hours in needed)


def local_to_utc_hours(local_hours, tz_name: str, first_day: dt.date, weeks: int) -> list[int]:
    """The UTC hours of the week the learner can make in every week of the run.

    `local_hours`: hours of the week in `tz_name`; the run lasts `weeks` weeks from the local
    midnight starting `first_day`. Raises ValueError for an unknown timezone or a bad hour."""
    if weeks < 1:
        raise ValueError("a run lasts at least one week")
    available = check_hours(local_hours)
    if not available:
        return []
    requirements = _requirements(tz_name, first_day, int(weeks))
    return [
        hour for hour, needed in enumerate(requirements) if needed and needed <= available
    ]


def utc_hour_to_local_datetime(hour_utc: int, tz_name: str, on: dt.date) -> dt.datetime:
    """The local date and time of UTC hour of the week `hour_utc` in the UTC week holding `on`."""
    check_hours([hour_utc])
    monday = on - dt.timedelta(days=on.weekday())
    moment = dt.datetime.combine(monday, dt.time(0), tzinfo=_UTC) + dt.timedelta(hours=hour_utc)
    return moment.astimezone(zone(tz_name))


def utc_hour_to_local(hour_utc: int, tz_name: str, on: dt.date) -> tuple[int, int]:
    """(weekday 0=Monday, hour) on the learner's clock for a UTC hour of the week near `on`.

    With a fractional offset (Asia/Kolkata) the local time is not on the hour: the hour is the
    one the meeting starts in; use `utc_hour_to_local_datetime` for the minutes."""
    local = utc_hour_to_local_datetime(hour_utc, tz_name, on)
    return local.weekday(), local.hour


def hour_label(hour: int) -> tuple[str, str]:
    """("Monday", "18:00") for an hour of the week — untranslated; callers translate the day."""
    return DAY_NAMES[hour // 24], f"{hour % 24:02d}:00"


# --- the CSV format --------------------------------------------------------------------------

_ENTRY = re.compile(
    r"^(?P<day1>[a-z]+)(?:\s*-\s*(?P<day2>[a-z]+))?\s+(?P<start>\d{1,2})(?::00)?"
    r"(?:\s*-\s*(?P<end>\d{1,2})(?::00)?)?$"
)

AVAILABILITY_FORMAT = (
    "Entries separated by ';' or ','. Each entry is a day or a range of days (Mon..Sun or full "
    "English names) and a range of whole hours in local time, end exclusive: 'Mon 18-21' is "
    "18:00 to 21:00 (hours 18, 19 and 20); 'Mon-Fri 7-9' is 07:00 to 09:00 on weekdays; "
    "'Sat 10' is the hour from 10:00; '22-24' runs to midnight."
)


class AvailabilitySyntaxError(ValueError):
    """A CSV availability entry that cannot be read; `code` says why, `entry` which one."""

    def __init__(self, code: str, entry: str, detail: str):
        super().__init__(f"{detail} in {entry!r}")
        self.code, self.entry = code, entry


def parse_ranges(text: str) -> list[int]:
    """Hours of the week from "Mon 18-21; Wed 19-21"; AvailabilitySyntaxError naming the entry.

    Codes: "unreadable", "unknown_day", "days_backwards", "bad_hours"."""
    hours: set[int] = set()
    for raw in re.split(r"[;,]", text or ""):
        entry = " ".join(raw.strip().lower().split())
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if not match:
            raise AvailabilitySyntaxError("unreadable", raw.strip(), "write it like 'Mon 18-21'")
        days = []
        for key in ("day1", "day2"):
            name = match[key]
            if name is None:
                continue
            if name not in _DAY_INDEX:
                raise AvailabilitySyntaxError("unknown_day", raw.strip(), f"unknown day {name!r}")
            days.append(_DAY_INDEX[name])
        first_day, last_day = days[0], days[-1]
        if last_day < first_day:
            raise AvailabilitySyntaxError("days_backwards", raw.strip(), "days run backwards")
        start = int(match["start"])
        end = int(match["end"]) if match["end"] is not None else start + 1
        if not (0 <= start < end <= 24):
            raise AvailabilitySyntaxError("bad_hours", raw.strip(),
                                          "hours run from 0 to 24 and end after they start")
        for day in range(first_day, last_day + 1):
            hours.update(day * 24 + hour for hour in range(start, end))
    return sorted(hours)


def format_ranges(local_hours) -> str:
    """The inverse of `parse_ranges`, one entry per day: "Mon 18-21; Wed 19-21"."""
    available = sorted(check_hours(local_hours))
    entries = []
    for day in range(7):
        day_hours = [h % 24 for h in available if h // 24 == day]
        run_start = previous = None
        for hour in [*day_hours, None]:
            if run_start is not None and (hour is None or hour != previous + 1):
                entries.append(f"{DAY_NAMES[day][:3]} {run_start}-{previous + 1}")
                run_start = None
            if hour is not None and run_start is None:
                run_start = hour
            previous = hour
    return "; ".join(entries)
