"""Pure booking-slot rules: slot boundaries and opening hours, in the resource's local time.

No Django and no clock. Times are the booking's start and end already converted to the
resource's timezone; a problem is (field, untranslated message, params).
"""

from __future__ import annotations

import datetime as dt


def _(message: str) -> str:
    return message


def _on_boundary(moment: dt.datetime, slot_minutes: int) -> bool:
    minutes = moment.hour * 60 + moment.minute
    return moment.second == 0 and moment.microsecond == 0 and minutes % slot_minutes == 0


def slot_problems(
    *,
    starts: dt.datetime,
    ends: dt.datetime,
    opens_at: dt.time,
    closes_at: dt.time,
    slot_minutes: int,
) -> list[tuple[str, str, dict]]:
    """What is wrong with booking [starts, ends) of a resource; empty when it may be booked.

    A booking starts and ends on a slot boundary and lies within the opening hours of one
    day: it may start exactly at opening time and end exactly at closing time.
    """
    problems: list[tuple[str, str, dict]] = []
    for name, moment in (("starts_at", starts), ("ends_at", ends)):
        if not _on_boundary(moment, slot_minutes):
            problems.append(
                (
                    name,
                    _(
                        "Bookings start and end on a %(slot)d-minute slot boundary; "
                        "%(time)s is not."
                    ),
                    {"slot": slot_minutes, "time": moment.strftime("%H:%M")},
                )
            )
    hours = {"opens": opens_at.strftime("%H:%M"), "closes": closes_at.strftime("%H:%M")}
    if starts.time() < opens_at:
        problems.append(
            ("starts_at", _("The booking starts before opening time (%(opens)s)."), hours)
        )
    if ends.date() != starts.date():
        problems.append(
            (
                "ends_at",
                _("A booking lies within one day's opening hours (%(opens)s–%(closes)s)."),
                hours,
            )
        )
    elif ends.time() > closes_at:
        problems.append(("ends_at", _("The booking ends after closing time (%(closes)s)."), hours))
    return problems
