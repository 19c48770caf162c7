"""The pure iCalendar builder, read back by the independent icalendar/recurring-ical-events."""

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from peerpath.meetings.calendar import MeetingEvent, Person, build_invite, build_series

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.UTC)
ORGANIZER = Person(email="courses@peerpath.example", name="PeerPath")
ANNE = Person(email="anne@example.org", name="Anne Berg")
BOB = Person(email="bob@example.org", name="Bob Stone")
# Tuesdays at 17:00 UTC from 13 October 2026: Europe leaves summer time on 25 October,
# North America on 1 November, so for three weeks Oslo and New York are 5 hours apart, not 6.
TUESDAYS_17_UTC = [
    dt.datetime(2026, 10, 13, 17, tzinfo=dt.UTC) + dt.timedelta(weeks=w) for w in range(5)
]
OSLO_HOURS = [19, 19, 18, 18, 18]
NEW_YORK_HOURS = [13, 13, 13, 12, 12]


def meeting(week=1, *, starts_at=None, sequence=0, tzid="UTC", **fields):
    starts_at = starts_at or TUESDAYS_17_UTC[week - 1]
    return MeetingEvent(
        uid=f"meeting-{week}@peerpath",
        sequence=sequence,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        summary=f"Study group 4, week {week}",
        description="Discussion leader: Anne Berg",
        url="https://meet.jit.si/peerpath-secret",
        organizer=ORGANIZER,
        attendees=(ANNE, BOB),
        tzid=tzid,
        **fields,
    )


def parse(ics: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics)


def occurrences(ics: bytes) -> list:
    calendar = parse(ics)
    return sorted(
        recurring_ical_events.of(calendar).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        key=lambda event: event.DTSTART,
    )


def test_invite_carries_the_headers_a_calendar_client_needs():
    calendar = parse(build_invite([meeting()], dtstamp=STAMP, calendar_name="Group 4"))

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//PeerPath//")
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["X-WR-CALNAME"] == "Group 4"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "meeting-1@peerpath"
    assert event["SEQUENCE"] == 0
    assert event.DTSTAMP == STAMP
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == "https://meet.jit.si/peerpath-secret"
    assert event["LOCATION"] == "https://meet.jit.si/peerpath-secret"
    assert event["ORGANIZER"] == "mailto:courses@peerpath.example"
    assert event["ORGANIZER"].params["CN"] == "PeerPath"


def test_invite_asks_every_attendee_to_reply():
    [event] = parse(build_invite([meeting()], dtstamp=STAMP)).walk("VEVENT")

    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:anne@example.org", "mailto:bob@example.org"]
    assert [a.params["CN"] for a in attendees] == ["Anne Berg", "Bob Stone"]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"


def test_published_feed_lists_no_attendees_as_rfc_5546_requires():
    calendar = parse(build_invite([meeting(1), meeting(2)], dtstamp=STAMP, method="PUBLISH"))

    assert calendar["METHOD"] == "PUBLISH"
    assert all("ATTENDEE" not in event for event in calendar.walk("VEVENT"))
    assert all("ORGANIZER" in event for event in calendar.walk("VEVENT"))


def test_cancellation_keeps_the_uid_and_marks_the_event_cancelled():
    calendar = parse(build_invite([meeting(sequence=2)], dtstamp=STAMP, method="CANCEL"))

    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "meeting-1@peerpath"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert all(a.params["RSVP"] == "FALSE" for a in event["ATTENDEE"])


def test_a_moved_meeting_keeps_its_uid_and_carries_the_raised_sequence():
    original = parse(build_invite([meeting(sequence=0)], dtstamp=STAMP)).walk("VEVENT")[0]
    later = TUESDAYS_17_UTC[0] + dt.timedelta(hours=1)
    moved = parse(build_invite([meeting(starts_at=later, sequence=1)], dtstamp=STAMP))
    [event] = moved.walk("VEVENT")

    assert event["UID"] == original["UID"]
    assert event["SEQUENCE"] == original["SEQUENCE"] + 1
    assert event.DTSTART == later


@pytest.mark.parametrize(
    ("tzid", "zone", "local_hours"),
    [("Europe/Oslo", OSLO, OSLO_HOURS), ("America/New_York", NEW_YORK, NEW_YORK_HOURS)],
)
def test_meetings_across_the_end_of_summer_time_stay_at_one_utc_instant_and_show_the_local_hour(
    tzid, zone, local_hours
):
    events = [meeting(week, tzid=tzid) for week in range(1, 6)]
    ics = build_invite(events, dtstamp=STAMP, method="PUBLISH")

    found = occurrences(ics)
    assert [event.DTSTART.astimezone(dt.UTC) for event in found] == TUESDAYS_17_UTC
    assert [event.DTSTART.astimezone(zone).hour for event in found] == local_hours
    assert [event.DTSTART.tzinfo.key for event in found] == [tzid] * 5  # written in local time
    assert [c["TZID"] for c in parse(ics).walk("VTIMEZONE")] == [tzid]
    assert b"DTSTART;TZID=" + tzid.encode() in ics


def test_utc_meetings_need_no_timezone_definition():
    ics = build_invite([meeting()], dtstamp=STAMP)

    assert parse(ics).walk("VTIMEZONE") == []
    assert b"DTSTART:20261013T170000Z" in ics


@pytest.mark.parametrize(("zone", "local_hours"), [(OSLO, OSLO_HOURS), (NEW_YORK, NEW_YORK_HOURS)])
def test_weekly_series_keeps_its_utc_instant_across_the_end_of_summer_time(zone, local_hours):
    ics = build_series(meeting(tzid="Europe/Oslo"), count=5, dtstamp=STAMP)

    [event] = parse(ics).walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["RRULE"]["COUNT"] == [5]
    found = occurrences(ics)
    assert [e.DTSTART.astimezone(dt.UTC) for e in found] == TUESDAYS_17_UTC
    assert [e.DTSTART.astimezone(zone).hour for e in found] == local_hours
    assert {e.DTEND - e.DTSTART for e in found} == {dt.timedelta(hours=1)}
    assert {e["UID"] for e in found} == {"meeting-1@peerpath"}


def test_dtstamp_is_whatever_the_caller_passes_in():
    other = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=OSLO)
    [event] = parse(build_invite([meeting()], dtstamp=other)).walk("VEVENT")

    assert event.DTSTAMP == other.astimezone(dt.UTC)


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": dt.datetime(2026, 10, 13, 17)},  # naive
        {"tzid": "Mars/Olympus_Mons"},
        {"sequence": -1},
        {"ends_at": TUESDAYS_17_UTC[0]},  # not after the start
    ],
)
def test_meeting_event_refuses_naive_or_reversed_times_unknown_zones_and_negative_sequences(
    fields,
):
    values = {
        "uid": "x",
        "sequence": 0,
        "starts_at": TUESDAYS_17_UTC[0],
        "ends_at": TUESDAYS_17_UTC[0] + dt.timedelta(hours=1),
        "summary": "s",
        "organizer": ORGANIZER,
    } | fields
    with pytest.raises(ValueError):
        MeetingEvent(**values)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        build_invite([meeting()], dtstamp=STAMP, method="REFRESH")


def test_pure_cores_import_no_django():
    code = (
        "import sys, peerpath.meetings.calendar, peerpath.meetings.rotation, "
        "peerpath.meetings.schedule, peerpath.meetings.facilitation; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
