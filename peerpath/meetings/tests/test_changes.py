"""Staff move or cancel meetings; everyone affected is told once, in their own timezone, with an
iCalendar file whose UID stays and whose SEQUENCE rises; occurrences match the stored meetings
for members in three timezones across the end of summer time."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.meetings import services
from peerpath.meetings.models import CalendarFeed, Meeting, MeetingChange
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import message_render

from .conftest import GroupMembershipFactory, StudyGroupFactory
from .test_services import TUESDAYS_17_UTC

pytestmark = pytest.mark.django_db

ZONES = {
    "Europe/Oslo": [19, 19, 18, 18, 18],
    "America/New_York": [13, 13, 13, 12, 12],
    "Asia/Kolkata": [22, 22, 22, 22, 22],
}


@pytest.fixture
def world_group(autumn_run, before_the_run):
    """A group whose members live in Oslo, New York and Kolkata, with its series planned."""
    group = StudyGroupFactory(run=autumn_run)
    for zone in ZONES:
        membership = GroupMembershipFactory(group=group, enrolment__timezone=zone)
        membership.enrolment.user.timezone = zone
        membership.enrolment.user.save()
    services.meeting_series_create(group=group, now=before_the_run)
    return group


def expand(ics: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(ics)
    return sorted(
        recurring_ical_events.of(calendar).between(dt.date(2026, 9, 1), dt.date(2027, 1, 1)),
        key=lambda event: event.DTSTART,
    )


def feed_for(user, now):
    feed = services.calendar_feed_get(scope=CalendarFeed.Scope.LEARNER, user=user)
    return services.calendar_feed_ics(feed=feed, now=now)


def test_each_members_feed_expands_to_the_stored_meetings_in_their_local_hour_across_dst(
    world_group, before_the_run
):
    stored = list(Meeting.objects.filter(group=world_group).order_by("starts_at"))
    assert [m.starts_at for m in stored] == TUESDAYS_17_UTC
    for membership in world_group.memberships.select_related("enrolment__user"):
        zone = membership.enrolment.timezone
        found = expand(feed_for(membership.enrolment.user, before_the_run))

        assert [e.DTSTART.astimezone(dt.UTC) for e in found] == [m.starts_at for m in stored]
        assert [e.DTEND.astimezone(dt.UTC) for e in found] == [m.ends_at for m in stored]
        assert [str(e["UID"]) for e in found] == [m.uid for m in stored]
        assert [e.DTSTART.astimezone(ZoneInfo(zone)).hour for e in found] == ZONES[zone]


def test_moving_the_rest_of_the_series_keeps_uids_raises_sequences_and_feeds_follow(
    world_group, before_the_run
):
    week2 = Meeting.objects.get(group=world_group, week=2)
    new_start = dt.datetime(2026, 10, 21, 18, 30, tzinfo=ZoneInfo("Europe/Oslo"))  # Wednesday

    change = services.meeting_move(
        meeting=week2, starts_at=new_start, rest_of_series=True, now=before_the_run
    )

    stored = list(Meeting.objects.filter(group=world_group).order_by("week"))
    assert change.meeting_ids == [m.pk for m in stored[1:]]
    assert [m.sequence for m in stored] == [0, 1, 1, 1, 1]
    shift = new_start - TUESDAYS_17_UTC[1]
    assert [m.starts_at for m in stored[1:]] == [t + shift for t in TUESDAYS_17_UTC[1:]]
    assert all(m.time_fixed for m in stored[1:])
    for membership in world_group.memberships.select_related("enrolment__user"):
        found = expand(feed_for(membership.enrolment.user, before_the_run))
        assert [e.DTSTART.astimezone(dt.UTC) for e in found] == [m.starts_at for m in stored]
        assert [int(e["SEQUENCE"]) for e in found] == [0, 1, 1, 1, 1]
    # planning the series again (e.g. the daily refresh) leaves the moved times alone
    services.meeting_series_create(group=world_group, now=before_the_run)
    assert [m.starts_at for m in Meeting.objects.filter(group=world_group).order_by("week")] == [
        m.starts_at for m in stored
    ]


def test_every_member_is_told_once_with_the_new_time_in_their_timezone_and_an_invite(
    world_group, before_the_run
):
    week2 = Meeting.objects.get(group=world_group, week=2)
    new_start = TUESDAYS_17_UTC[1] + dt.timedelta(days=1, hours=1)  # Wednesday 18:00 UTC

    services.meeting_move(
        meeting=week2, starts_at=new_start, rest_of_series=True, now=before_the_run
    )

    rows = list(OutboxMessage.objects.filter(kind="meeting_changed").select_related("recipient"))
    assert sorted(r.recipient.email for r in rows) == sorted(
        world_group.memberships.values_list("enrolment__user__email", flat=True)
    )
    expected_local = {"Europe/Oslo": "20:00", "America/New_York": "14:00", "Asia/Kolkata": "23:30"}
    for row in rows:
        zone = Enrolment.objects.get(user=row.recipient).timezone
        rendered = message_render(message=row)
        assert f"21 October 2026, {expected_local[zone]} ({zone})" in rendered.text
        assert rendered.text.count("Week ") == 4  # one message for the four moved weeks
        [(name, content, mimetype)] = rendered.attachments
        calendar = icalendar.Calendar.from_ical(content)
        assert calendar["METHOD"] == "REQUEST"
        events = calendar.walk("VEVENT")
        assert [int(e["SEQUENCE"]) for e in events] == [1, 1, 1, 1]
        assert events[0].DTSTART == new_start
        assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == [zone]


def test_cancelling_sends_method_cancel_with_the_same_uid_and_a_higher_sequence(
    world_group, before_the_run
):
    week3 = Meeting.objects.get(group=world_group, week=3)
    services.meeting_move(
        meeting=week3, starts_at=week3.starts_at + dt.timedelta(hours=1), now=before_the_run
    )

    services.meeting_cancel(meeting=week3, now=before_the_run)

    week3.refresh_from_db()
    assert (week3.status, week3.sequence) == (Meeting.Status.CANCELLED, 2)
    rows = OutboxMessage.objects.filter(kind="meeting_cancelled")
    assert rows.count() == 3
    [(_name, content, mimetype)] = message_render(message=rows.first()).attachments
    assert "method=CANCEL" in mimetype
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert (calendar["METHOD"], str(event["UID"]), int(event["SEQUENCE"]), event["STATUS"]) == (
        "CANCEL",
        week3.uid,
        2,
        "CANCELLED",
    )
    # the feed keeps the meeting, marked cancelled, so subscribed calendars drop it
    member = world_group.memberships.first().enrolment.user
    found = {str(e["UID"]): e for e in expand(feed_for(member, before_the_run))}
    assert found[week3.uid]["STATUS"] == "CANCELLED"


def test_a_withdrawn_member_is_not_told_but_the_visiting_facilitator_is(
    world_group, before_the_run, outsider
):
    gone = world_group.memberships.first().enrolment
    gone.status = Enrolment.Status.WITHDRAWN
    gone.save()
    week4 = Meeting.objects.get(group=world_group, week=4)
    Meeting.objects.filter(pk=week4.pk).update(facilitator=outsider)

    services.meeting_cancel(meeting=week4, now=before_the_run)

    told = set(
        OutboxMessage.objects.filter(kind="meeting_cancelled").values_list(
            "recipient_id", flat=True
        )
    )
    assert gone.user_id not in told
    assert outsider.pk in told
    assert len(told) == 3


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("past", "starts_at"),
        ("same", "starts_at"),
        ("overlap", "starts_at"),
        ("naive", "starts_at"),
    ],
)
def test_a_bad_move_is_refused_naming_the_field_and_nothing_changes(
    world_group, before_the_run, case, field
):
    week2 = Meeting.objects.get(group=world_group, week=2)
    new_start = {
        "past": before_the_run - dt.timedelta(days=1),
        "same": week2.starts_at,
        "overlap": TUESDAYS_17_UTC[2] + dt.timedelta(minutes=30),
        "naive": dt.datetime(2026, 10, 21, 18),
    }[case]

    with pytest.raises(ApplicationError) as refused:
        services.meeting_move(meeting=week2, starts_at=new_start, now=before_the_run)

    assert refused.value.field == field
    assert [m.sequence for m in Meeting.objects.filter(group=world_group)] == [0] * 5
    assert not MeetingChange.objects.exists()
    assert not OutboxMessage.objects.filter(kind="meeting_changed").exists()


def test_a_meeting_that_started_or_is_cancelled_cannot_be_changed(world_group, before_the_run):
    week1 = Meeting.objects.get(group=world_group, week=1)
    during = week1.starts_at + dt.timedelta(minutes=5)

    with pytest.raises(ApplicationError, match="started"):
        services.meeting_cancel(meeting=week1, now=during)
    services.meeting_cancel(meeting=week1, now=before_the_run)
    with pytest.raises(ApplicationError, match="cancelled"):
        services.meeting_move(
            meeting=week1, starts_at=week1.starts_at + dt.timedelta(hours=2), now=before_the_run
        )
    assert MeetingChange.objects.count() == 1


def test_cancelling_the_rest_of_a_series_tells_each_person_once_with_every_meeting(
    world_group, before_the_run
):
    after_week4 = TUESDAYS_17_UTC[3] + dt.timedelta(hours=2)
    change = services.meetings_cancel_rest(group=world_group, now=after_week4)
    week5 = Meeting.objects.get(group=world_group, week=5)
    assert change.meeting_ids == [week5.pk] and week5.status == Meeting.Status.CANCELLED
    assert Meeting.objects.filter(group=world_group, status=Meeting.Status.SCHEDULED).count() == 4
    single = message_render(
        message=OutboxMessage.objects.get(
            kind="meeting_cancelled", recipient=world_group.memberships.first().enrolment.user
        )
    )
    assert "This meeting of study group" in single.text and "Week 5" in single.text

    OutboxMessage.objects.all().delete()
    change = services.meetings_cancel_rest(group=world_group, now=before_the_run)
    assert len(change.meeting_ids) == 4
    rows = OutboxMessage.objects.filter(kind="meeting_cancelled")
    assert rows.count() == 3  # the three members, once each
    rendered = message_render(message=rows.first())
    assert "These 4 meetings of study group" in rendered.text
    assert all(f"Week {week}" in rendered.text for week in (1, 2, 3, 4))
    [(_name, content, _mimetype)] = rendered.attachments
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert len(events) == 4 and {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    # nothing left to cancel
    assert services.meetings_cancel_rest(group=world_group, now=before_the_run) is None
