"""Creating each group's weekly series, its video room, its calendar files; and the reads."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from peerpath.enrollment.models import Enrolment
from peerpath.meetings import selectors, services
from peerpath.meetings.models import Meeting

from .conftest import GroupMembershipFactory, group_with_members, run_with_modules

TUESDAYS_17_UTC = [
    dt.datetime(2026, 10, 13, 17, tzinfo=dt.UTC) + dt.timedelta(weeks=w) for w in range(5)
]
MID_RUN = dt.datetime(2026, 10, 22, 12, tzinfo=dt.UTC)  # after week 2's meeting

pytestmark = pytest.mark.django_db


def member_ids(group):
    return sorted(group.memberships.values_list("enrolment_id", flat=True))


def test_series_has_one_meeting_per_module_at_the_groups_utc_hour_every_week(
    autumn_group, before_the_run
):
    meetings = services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert [m.week for m in meetings] == [1, 2, 3, 4, 5]
    assert [m.starts_at for m in meetings] == TUESDAYS_17_UTC
    assert [m.ends_at - m.starts_at for m in meetings] == [dt.timedelta(minutes=60)] * 5
    assert [m.module.position for m in meetings] == [1, 2, 3, 4, 5]
    assert Meeting.objects.filter(group=autumn_group).count() == 5


def test_meeting_length_follows_the_run(before_the_run):
    run = run_with_modules(weeks=2, meeting_minutes=90, starts_on=dt.date(2026, 10, 12))
    group = group_with_members(run=run, members=2)

    meetings = services.meeting_series_create(group=group, now=before_the_run)

    assert {m.ends_at - m.starts_at for m in meetings} == {dt.timedelta(minutes=90)}


def test_running_the_series_again_changes_nothing(autumn_group, before_the_run):
    first = services.meeting_series_create(group=autumn_group, now=before_the_run)
    again = services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert [m.pk for m in again] == [m.pk for m in first]
    assert Meeting.objects.filter(group=autumn_group).count() == 5
    assert set(Meeting.objects.values_list("sequence", flat=True)) == {0}


def test_a_changed_group_hour_moves_the_meetings_keeping_uids_and_raising_sequence(
    autumn_group, before_the_run
):
    first = services.meeting_series_create(group=autumn_group, now=before_the_run)
    autumn_group.hour_utc += 1
    autumn_group.save()

    moved = services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert [m.uid for m in moved] == [m.uid for m in first]
    assert [m.starts_at for m in moved] == [t + dt.timedelta(hours=1) for t in TUESDAYS_17_UTC]
    assert [m.sequence for m in Meeting.objects.order_by("week")] == [1] * 5


def test_every_further_change_raises_the_sequence_again(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    for hour in (autumn_group.hour_utc + 1, autumn_group.hour_utc + 3):
        autumn_group.hour_utc = hour
        autumn_group.save()
        services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert set(Meeting.objects.values_list("sequence", flat=True)) == {2}


def test_meetings_already_held_are_not_moved_when_the_hour_changes(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    autumn_group.hour_utc += 2
    autumn_group.save()

    services.meeting_series_create(group=autumn_group, now=MID_RUN)

    meetings = list(Meeting.objects.order_by("week"))
    assert [m.starts_at for m in meetings[:2]] == TUESDAYS_17_UTC[:2]
    assert [m.sequence for m in meetings] == [0, 0, 1, 1, 1]
    assert meetings[2].starts_at == TUESDAYS_17_UTC[2] + dt.timedelta(hours=2)


def test_cancelled_meetings_stay_cancelled(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    Meeting.objects.filter(week=3).update(status=Meeting.Status.CANCELLED, leader=None)

    services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert Meeting.objects.get(week=3).status == Meeting.Status.CANCELLED


def test_leaders_rotate_through_members_in_enrolment_order(autumn_group, before_the_run):
    meetings = services.meeting_series_create(group=autumn_group, now=before_the_run)

    first, second, third = member_ids(autumn_group)
    assert [m.leader_id for m in meetings] == [first, second, third, first, second]


def test_a_withdrawn_member_never_leads(autumn_group, before_the_run):
    withdrawn = member_ids(autumn_group)[0]
    Enrolment.objects.filter(pk=withdrawn).update(status=Enrolment.Status.WITHDRAWN)

    meetings = services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert withdrawn not in {m.leader_id for m in meetings}
    assert None not in {m.leader_id for m in meetings}


def test_a_late_joiner_leads_before_anyone_leads_twice(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    late = GroupMembershipFactory(group=autumn_group).enrolment

    meetings = services.meeting_series_create(group=autumn_group, now=MID_RUN)

    leaders = [m.leader_id for m in meetings]
    assert leaders[:2] == member_ids(autumn_group)[:2]  # held meetings keep their leaders
    assert late.pk in leaders[2:4]
    assert len(set(leaders[:4])) == 4


def test_whole_run_gets_series_for_every_group_in_a_constant_number_of_queries(
    autumn_run, before_the_run, django_assert_max_num_queries
):
    for _ in range(3):
        group_with_members(run=autumn_run, members=2)
    with django_assert_max_num_queries(12) as few_groups:
        services.meeting_series_for_run(run=autumn_run, now=before_the_run)
    for _ in range(12):
        group_with_members(run=autumn_run, members=2)

    with django_assert_max_num_queries(len(few_groups.captured_queries)):
        meetings = services.meeting_series_for_run(run=autumn_run, now=before_the_run)

    assert len(meetings) == 15 * 5
    assert Meeting.objects.filter(group__run=autumn_run).count() == 15 * 5
    assert len({m.pk for m in meetings}) == 15 * 5


def test_video_room_uses_the_runs_template_or_else_the_sites(autumn_group, settings):
    settings.PEERPATH_VIDEO_URL_TEMPLATE = "https://video.example/{token}"
    token = autumn_group.room_token

    assert services.meeting_video_url(group=autumn_group) == f"https://video.example/{token}"
    autumn_group.run.video_url_template = "https://school.example/rooms/{token}?lang=en"
    assert (
        services.meeting_video_url(group=autumn_group)
        == f"https://school.example/rooms/{token}?lang=en"
    )
    assert len(token) >= 20


def test_invite_is_from_the_site_to_every_member_who_has_not_withdrawn(
    autumn_group, before_the_run, settings
):
    settings.DEFAULT_FROM_EMAIL = "PeerPath Courses <courses@peerpath.example>"
    gone = autumn_group.memberships.order_by("enrolment_id").last().enrolment
    gone.status = Enrolment.Status.WITHDRAWN
    gone.save()
    [meeting, *_] = services.meeting_series_create(group=autumn_group, now=before_the_run)

    ics = services.meeting_invite_ics(meetings=[meeting], method="REQUEST", now=before_the_run)

    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == meeting.uid
    assert event.DTSTAMP == before_the_run
    assert event["ORGANIZER"] == "mailto:courses@peerpath.example"
    assert event["ORGANIZER"].params["CN"] == "PeerPath Courses"
    expected = {
        f"mailto:{m.enrolment.user.email}"
        for m in autumn_group.memberships.exclude(enrolment=gone).select_related("enrolment__user")
    }
    assert {str(a) for a in event["ATTENDEE"]} == expected
    assert meeting.leader.user.name in event["DESCRIPTION"]
    assert services.meeting_video_url(group=autumn_group) == event["URL"]


def test_group_feed_across_the_end_of_summer_time_shows_each_members_local_hour(
    autumn_group, before_the_run
):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    meetings = selectors.meeting_list_for_group(group=autumn_group)

    for zone, hours in [
        ("Europe/Oslo", [19, 19, 18, 18, 18]),
        ("America/New_York", [13, 13, 13, 12, 12]),
    ]:
        ics = services.meeting_invite_ics(meetings=meetings, method="PUBLISH", tzid=zone)
        found = sorted(
            recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(
                dt.date(2026, 10, 1), dt.date(2026, 12, 1)
            ),
            key=lambda event: event.DTSTART,
        )
        assert [e.DTSTART.astimezone(dt.UTC) for e in found] == TUESDAYS_17_UTC
        assert [e.DTSTART.astimezone(ZoneInfo(zone)).hour for e in found] == hours


def test_an_unknown_display_timezone_falls_back_to_the_runs(autumn_group, before_the_run):
    meetings = services.meeting_series_create(group=autumn_group, now=before_the_run)

    ics = services.meeting_invite_ics(meetings=meetings[:1], method="PUBLISH", tzid="Nowhere/X")

    assert b"DTSTART;TZID=Europe/Oslo:20261013T190000" in ics


def test_cancellation_file_keeps_uid_and_says_cancelled(autumn_group, before_the_run):
    [meeting, *_] = services.meeting_series_create(group=autumn_group, now=before_the_run)

    ics = services.meeting_invite_ics(meetings=[meeting], method="CANCEL", now=before_the_run)

    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert (event["UID"], event["STATUS"]) == (meeting.uid, "CANCELLED")


def test_next_meeting_is_the_first_that_has_not_ended(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    enrolment = autumn_group.memberships.first().enrolment
    during_week_two = TUESDAYS_17_UTC[1] + dt.timedelta(minutes=30)

    assert selectors.meeting_next_for_enrolment(enrolment=enrolment, now=before_the_run).week == 1
    assert selectors.meeting_next_for_enrolment(enrolment=enrolment, now=during_week_two).week == 2
    Meeting.objects.filter(week=3).update(status=Meeting.Status.CANCELLED)
    assert selectors.meeting_next_for_enrolment(enrolment=enrolment, now=MID_RUN).week == 4
    after = TUESDAYS_17_UTC[-1] + dt.timedelta(hours=2)
    assert selectors.meeting_next_for_enrolment(enrolment=enrolment, now=after) is None


def test_a_learner_without_a_group_has_no_next_meeting(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)
    loner = GroupMembershipFactory(group=autumn_group).enrolment
    loner.membership.delete()

    assert selectors.meeting_next_for_enrolment(enrolment=loner, now=before_the_run) is None


def test_group_meetings_are_listed_in_week_order(autumn_group, before_the_run):
    services.meeting_series_create(group=autumn_group, now=before_the_run)

    assert [m.week for m in selectors.meeting_list_for_group(group=autumn_group)] == [1, 2, 3, 4, 5]
