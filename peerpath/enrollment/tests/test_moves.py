"""Moving a learner who fell behind to a later run of the same course."""

import datetime as dt

import pytest
import time_machine

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.enrollment.moves import enrolment_move_to_run, later_runs_for
from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.models import Meeting
from peerpath.meetings.selectors import meeting_next_for_enrolment
from peerpath.meetings.services import meeting_series_create
from peerpath.messaging.models import OutboxMessage
from peerpath.progress.models import Completion, EnrolmentMove
from peerpath.progress.risk_service import course_withdrawal_rate
from peerpath.progress.services import completion_mark
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2030, 3, 20, 9, tzinfo=dt.UTC)
EVENING = 18  # Monday 18:00 UTC, inside every factory learner's availability


def published_group(run, number, members=()):
    group = StudyGroup.objects.create(
        run=run, number=number, language="en", hour_utc=EVENING, status="published"
    )
    for enrolment in members:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    meeting_series_create(group=group, now=NOW)
    return group


@pytest.fixture
def runs():
    early = RunFactory(starts_on=dt.date(2030, 3, 4), timezone="UTC", status="running",
                       meeting_window_start=7, meeting_window_end=22)
    later = RunFactory(course=early.course, starts_on=dt.date(2030, 3, 25), timezone="UTC",
                       status="open", meeting_window_start=7, meeting_window_end=22)
    for week in (1, 2, 3):
        module = ModuleFactory(course=early.course, position=week)
        ActivityFactory(module=module, title=f"Read {week}")
    return early, later


def activities(run):
    return list(run.course.modules.order_by("position"))


@time_machine.travel(NOW, tick=False)
def test_a_moved_learner_keeps_completions_and_gets_the_new_groups_meetings_and_mail(runs):
    early, later = runs
    learner = EnrolmentFactory(run=early)
    mate = EnrolmentFactory(run=early)
    old_group = published_group(early, 1, [learner, mate])
    newcomer = EnrolmentFactory(run=later)
    new_group = published_group(later, 1, [newcomer])
    week1, week2, _week3 = (m.activities.get() for m in activities(early))
    done_at = dt.datetime(2030, 3, 5, 10, tzinfo=dt.UTC)
    completion_mark(enrolment=learner, activity=week1, now=done_at)
    completion_mark(enrolment=learner, activity=week2, source="email")

    assert later_runs_for(enrolment=learner, today=NOW.date()) == [later]
    moved = enrolment_move_to_run(enrolment=learner, to_run=later)

    # what they did comes along, with its date and source
    kept = {c.activity_id: c for c in Completion.objects.filter(enrolment=moved)}
    assert set(kept) == {week1.pk, week2.pk}
    assert kept[week1.pk].completed_at == done_at and kept[week2.pk].source == "email"
    # the earlier enrolment is closed as a move, not a drop-out
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.WITHDRAWN
    assert EnrolmentMove.objects.get(from_enrolment=learner).to_enrolment == moved
    # the new group, its meetings, and its mail
    assert GroupMembership.objects.get(enrolment=moved).group == new_group
    assert not GroupMembership.objects.filter(enrolment=learner).exists()
    next_meeting = meeting_next_for_enrolment(enrolment=moved, now=NOW)
    assert next_meeting.group == new_group
    assert not Meeting.objects.filter(group=old_group, leader=learner, starts_at__gt=NOW).exists()
    intro = OutboxMessage.objects.filter(kind="group_intro", recipient=moved.user)
    assert intro.filter(context__group=new_group.pk).exists()
    weekly = OutboxMessage.objects.filter(kind="weekly_module", recipient=moved.user,
                                          status="pending")
    assert weekly.exists()
    assert {m.context["enrolment"] for m in weekly} == {moved.pk}
    assert mate.pk  # the group they left keeps going with the others


@time_machine.travel(NOW, tick=False)
def test_modules_chosen_for_repeating_are_done_again(runs):
    early, later = runs
    learner = EnrolmentFactory(run=early)
    modules = activities(early)
    for module in modules[:2]:
        completion_mark(enrolment=learner, activity=module.activities.get())
    moved = enrolment_move_to_run(enrolment=learner, to_run=later, repeat_modules=[modules[1].pk])
    kept = Completion.objects.filter(enrolment=moved).values_list("activity__module", flat=True)
    assert list(kept) == [modules[0].pk]
    assert EnrolmentMove.objects.get(to_enrolment=moved).repeated_modules == [modules[1].pk]


@time_machine.travel(NOW, tick=False)
def test_a_move_is_refused_with_a_reason_and_changes_nothing(runs):
    early, later = runs
    learner = EnrolmentFactory(run=early)
    other_course = RunFactory(starts_on=dt.date(2030, 5, 1), status="open")
    earlier = RunFactory(course=early.course, starts_on=dt.date(2030, 1, 1), status="open")
    for target, field in [(other_course, "run"), (earlier, "run"), (early, "run")]:
        with pytest.raises(ApplicationError) as refused:
            enrolment_move_to_run(enrolment=learner, to_run=target)
        assert refused.value.field == field
    with pytest.raises(ApplicationError) as refused:
        enrolment_move_to_run(enrolment=learner, to_run=later, repeat_modules=[999999])
    assert refused.value.field == "repeat"
    EnrolmentFactory(run=later, user=learner.user)
    with pytest.raises(ApplicationError, match="already enrolled"):
        enrolment_move_to_run(enrolment=learner, to_run=later)
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.CONFIRMED
    assert not EnrolmentMove.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_moves_do_not_count_as_withdrawals_of_the_course(runs):
    early, later = runs
    learner = EnrolmentFactory(run=early)
    EnrolmentFactory(run=early)
    enrolment_move_to_run(enrolment=learner, to_run=later)
    third = RunFactory(course=early.course, starts_on=dt.date(2030, 6, 3))
    assert course_withdrawal_rate(run=third) == 0.0
