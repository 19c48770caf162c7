"""Forming, publishing and moving within a run's study groups."""

import pytest

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupingResult, GroupMembership, StudyGroup
from peerpath.grouping.services import group_move_member, groups_form, groups_publish
from peerpath.meetings.models import Meeting
from peerpath.messaging.models import OutboxMessage
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

EVENINGS = [d * 24 + h for d in range(5) for h in (17, 18, 19)]
MORNINGS = [d * 24 + h for d in range(5) for h in (6, 7)]


@pytest.fixture
def run():
    run = RunFactory(timezone="UTC", meeting_window_start=0, meeting_window_end=24)
    for week in (1, 2, 3):
        module = ModuleFactory(course=run.course, position=week)
        ActivityFactory(module=module)
    return run


def test_every_formed_group_meets_at_an_hour_all_its_members_can_make(run):
    for i in range(14):
        EnrolmentFactory(run=run, availability_utc=EVENINGS if i % 2 else MORNINGS)
    result = groups_form(run=run)
    groups = StudyGroup.objects.filter(run=run)
    assert groups.exists()
    placed = 0
    for group in groups:
        members = [m.enrolment for m in group.memberships.select_related("enrolment")]
        assert 6 <= len(members) <= 10
        assert all(group.hour_utc in m.availability_utc for m in members)
        placed += len(members)
    assert placed + len(result.unassigned) == 14


def test_a_learner_who_cannot_meet_anyone_is_reported_unassigned_with_a_reason(run):
    for _ in range(7):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    loner = EnrolmentFactory(run=run, availability_utc=[100])
    result = groups_form(run=run)
    assert [u["enrolment"] for u in result.unassigned] == [loner.pk]
    assert result.unassigned[0]["reason"]
    assert not GroupMembership.objects.filter(enrolment=loner).exists()


def test_pending_and_withdrawn_learners_are_not_grouped(run):
    for _ in range(6):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    EnrolmentFactory(run=run, status=Enrolment.Status.PENDING, availability_utc=EVENINGS)
    EnrolmentFactory(run=run, status=Enrolment.Status.WITHDRAWN, availability_utc=EVENINGS)
    groups_form(run=run)
    assert GroupMembership.objects.filter(group__run=run).count() == 6


def test_forming_again_replaces_drafts_but_keeps_published_groups(run):
    for _ in range(8):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    groups_form(run=run)
    groups_publish(run=run)
    published = set(StudyGroup.objects.values_list("pk", flat=True))
    for _ in range(6):
        EnrolmentFactory(run=run, availability_utc=MORNINGS)
    groups_form(run=run)
    assert published <= set(StudyGroup.objects.values_list("pk", flat=True))
    assert StudyGroup.objects.filter(status="draft").count() == 1
    assert GroupingResult.objects.filter(run=run).count() == 2


def test_publishing_schedules_weekly_meetings_and_tells_every_member(run):
    for _ in range(8):
        EnrolmentFactory(run=run, availability_utc=EVENINGS)
    groups_form(run=run)
    assert groups_publish(run=run) == 1
    group = StudyGroup.objects.get(run=run)
    assert group.status == StudyGroup.Status.PUBLISHED
    meetings = Meeting.objects.filter(group=group).order_by("week")
    assert [m.week for m in meetings] == [1, 2, 3]
    for meeting in meetings:
        assert meeting.starts_at.weekday() * 24 + meeting.starts_at.hour == group.hour_utc
    intros = OutboxMessage.objects.filter(kind="group_intro")
    assert intros.count() == 8
    with pytest.raises(ApplicationError):
        groups_publish(run=run)
    assert OutboxMessage.objects.filter(kind="group_intro").count() == 8


def test_moving_a_learner_to_a_group_meeting_at_an_hour_they_cannot_make_is_refused(run):
    group = StudyGroup.objects.create(run=run, number=1, language="en", hour_utc=MORNINGS[0])
    learner = EnrolmentFactory(run=run, availability_utc=EVENINGS)
    with pytest.raises(ApplicationError, match="cannot make the meeting hour"):
        group_move_member(enrolment=learner, to_group=group)
    assert not GroupMembership.objects.filter(enrolment=learner).exists()
    ok = StudyGroup.objects.create(run=run, number=2, language="en", hour_utc=EVENINGS[0])
    assert group_move_member(enrolment=learner, to_group=ok).group == ok


def test_the_group_introduction_carries_a_calendar_invite_for_the_weekly_meetings(
    run, smtp_server
):
    import icalendar

    from peerpath.messaging.services import outbox_deliver_due

    for _ in range(6):
        EnrolmentFactory(run=run, availability_utc=EVENINGS, timezone="Asia/Tokyo")
    groups_form(run=run)
    groups_publish(run=run)
    outbox_deliver_due()
    intros = [m for m in smtp_server.received if "study group" in m.message["Subject"]]
    assert len(intros) == 6
    invite = next(p for p in intros[0].message.iter_attachments()
                  if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(invite.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    events = calendar.walk("VEVENT")
    group = StudyGroup.objects.get(run=run)
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert starts == sorted(Meeting.objects.filter(group=group).values_list("starts_at", flat=True))
    assert len(events[0].get("ATTENDEE")) == 6
