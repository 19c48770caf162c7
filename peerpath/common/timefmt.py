"""Showing instants in a person's own timezone."""

import datetime as dt
import zoneinfo

from django.utils import formats, translation


def to_local(instant: dt.datetime, tz_name: str) -> dt.datetime:
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    return instant.astimezone(tz)


def format_local(instant: dt.datetime | None, tz_name: str) -> str:
    """'Monday 7 December 2026, 19:00 (Europe/Oslo)' in the active language."""
    if instant is None:
        return ""
    local = to_local(instant, tz_name)
    with translation.override(translation.get_language()):
        text = formats.date_format(local, "l j F Y, H:i")
    return f"{text} ({tz_name})"
