"""iCalendar files for group meetings: invites (REQUEST/CANCEL) and feeds (PUBLISH).

PURE: no Django import, no clock. Callers pass every instant, including DTSTAMP.

Time model (the decision this module rests on):

* A study group's meeting is anchored at a fixed **UTC** instant every week. The members'
  availability is stored as the UTC hours of the week they can make in every week of the run,
  so the UTC anchor is the one time that every member can make, also across daylight-saving
  changes, which happen on different dates in different countries (Europe ends summer time on
  the last Sunday of October, North America on the first Sunday of November).
* Each person sees the meeting in their own timezone. A single event is written in the display
  timezone (`tzid`) with a matching VTIMEZONE, so clients show the intended local hour; the
  instant is identical to the UTC anchor because the conversion is done here, per event.
* A recurring series (`build_series`) is written with DTSTART in UTC. An RRULE repeats the
  *wall-clock* time of its DTSTART's timezone, so a DTSTART in local time would move the
  meeting by an hour in UTC after a daylight-saving change; in UTC it stays put and every
  client still converts each occurrence to the viewer's local hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vRecur

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
METHODS: frozenset[str] = frozenset({"REQUEST", "CANCEL", "PUBLISH"})
PRODID = "-//PeerPath//Study group meetings//EN"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""


@dataclass(frozen=True)
class MeetingEvent:
    """One meeting as the calendar sees it. `starts_at`/`ends_at` are aware datetimes."""

    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    organizer: Person
    description: str = ""
    url: str = ""
    location: str = ""
    attendees: tuple[Person, ...] = ()
    status: Literal["CONFIRMED", "TENTATIVE", "CANCELLED"] = "CONFIRMED"
    tzid: str = "UTC"

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime, got {value!r}")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        try:
            ZoneInfo(self.tzid)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {self.tzid!r}") from error


def build_invite(
    events: Sequence[MeetingEvent],
    *,
    dtstamp: dt.datetime,
    method: Method = "REQUEST",
    calendar_name: str = "PeerPath",
) -> bytes:
    """One VCALENDAR holding one VEVENT per event.

    REQUEST and CANCEL carry the attendees (CN, ROLE, PARTSTAT, RSVP) as RFC 5546 requires;
    CANCEL marks every event STATUS:CANCELLED. PUBLISH (a read-only feed) carries no
    attendees, as RFC 5546 requires, which also keeps members' addresses out of shared feeds.
    """
    calendar = _calendar(method=method, calendar_name=calendar_name)
    stamp = _utc(dtstamp, "dtstamp")
    for item in events:
        calendar.add_component(_vevent(item, method=method, dtstamp=stamp))
    _add_timezones(calendar, events)
    return calendar.to_ical()


def build_series(
    event: MeetingEvent,
    *,
    count: int,
    dtstamp: dt.datetime,
    method: Method = "PUBLISH",
    calendar_name: str = "PeerPath",
) -> bytes:
    """A weekly series of `count` occurrences (RRULE FREQ=WEEKLY;COUNT=n) from `event`.

    DTSTART/DTEND are written in UTC so that every occurrence keeps the same UTC instant
    across daylight-saving changes (see the module docstring); `event.tzid` is ignored.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    calendar = _calendar(method=method, calendar_name=calendar_name)
    vevent = _vevent(event, method=method, dtstamp=_utc(dtstamp, "dtstamp"), in_utc=True)
    vevent.add("rrule", vRecur(freq="WEEKLY", count=count))
    calendar.add_component(vevent)
    return calendar.to_ical()


def _calendar(*, method: str, calendar_name: str) -> Calendar:
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("name", calendar_name)  # RFC 7986
    calendar.add("x-wr-calname", calendar_name)  # the de-facto name older clients read
    return calendar


def _vevent(item: MeetingEvent, *, method: str, dtstamp: dt.datetime, in_utc=False) -> Event:
    zone = dt.UTC if in_utc or item.tzid == "UTC" else ZoneInfo(item.tzid)
    status = "CANCELLED" if method == "CANCEL" else item.status
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    location = item.location or item.url
    if location:
        event.add("location", location)
    if item.url:
        event.add("url", item.url)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(item.organizer))
    if method != "PUBLISH":
        for person in item.attendees:
            event.add(
                "attendee",
                _address(
                    person,
                    cutype="INDIVIDUAL",
                    role="REQ-PARTICIPANT",
                    partstat="NEEDS-ACTION",
                    rsvp=method == "REQUEST",
                ),
            )
    return event


def _address(person: Person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in params.items():
        if isinstance(value, bool):
            value = "TRUE" if value else "FALSE"
        address.params[key.upper()] = value
    return address


def _add_timezones(calendar: Calendar, events: Sequence[MeetingEvent]) -> None:
    """Add a VTIMEZONE for every local timezone used, trimmed to the events' years."""
    local = [item for item in events if item.tzid != "UTC"]
    if not local:
        return
    first = min(item.starts_at for item in local).date() - dt.timedelta(days=366)
    last = max(item.ends_at for item in local).date() + dt.timedelta(days=366)
    calendar.add_missing_timezones(first_date=first, last_date=last)


def _utc(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {value!r}")
    return value.astimezone(dt.UTC)
