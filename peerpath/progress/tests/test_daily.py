"""The daily update: attendance into progress, completion, and risk scores with reasons."""

import datetime as dt

import pytest
import time_machine

from peerpath.courses.models import Activity
from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.models import Attendance, Meeting
from peerpath.meetings.services import meeting_series_create
from peerpath.progress.daily import progress_daily_update
from peerpath.progress.models import Completion, CompletionRule, RiskScore, RunCompletion
from peerpath.progress.services import completion_mark
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

START = dt.date(2030, 3, 4)
DAY_16 = dt.datetime(2030, 3, 20, 4, tzinfo=dt.UTC)


@pytest.fixture
def run():
    run = RunFactory(starts_on=START, timezone="UTC", status="running")
    for week in (1, 2, 3, 4):
        module = ModuleFactory(course=run.course, position=week)
        ActivityFactory(module=module, title=f"Task {week}", kind=Activity.Kind.DO, position=1)
        ActivityFactory(module=module, title=f"Meet {week}", kind=Activity.Kind.GROUP_MEETING,
                        position=2)
    return run


def group_of(run, members):
    group = StudyGroup.objects.create(run=run, number=1, language="en", hour_utc=18,
                                      status="published")
    for enrolment in members:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    meeting_series_create(group=group, now=dt.datetime(2030, 3, 1, tzinfo=dt.UTC))
    return group


def test_attendance_marks_the_weeks_meeting_done_and_counts_for_the_meeting_rule(run):
    CompletionRule.objects.create(run=run, min_meeting_percent=50)
    busy, quiet = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    group = group_of(run, [busy, quiet])
    for meeting in Meeting.objects.filter(group=group, week__lte=2):
        Attendance.objects.create(meeting=meeting, enrolment=busy, present=True)
        Attendance.objects.create(meeting=meeting, enrolment=quiet, present=False)
    for activity in Activity.objects.filter(module__course=run.course, kind="do"):
        completion_mark(enrolment=busy, activity=activity,
                        now=dt.datetime(2030, 3, 12, tzinfo=dt.UTC))
    with time_machine.travel(DAY_16, tick=False):
        counts = progress_daily_update()
    meeting_done = Completion.objects.filter(enrolment=busy, source="meeting")
    assert sorted(meeting_done.values_list("activity__title", flat=True)) == ["Meet 1", "Meet 2"]
    assert not Completion.objects.filter(enrolment=quiet).exists()
    # weeks 3 and 4 meetings are still required activities: not complete yet
    assert counts["completed"] == 0 and not RunCompletion.objects.exists()
    assert counts["scored"] == 2


def test_the_daily_score_ranks_the_quiet_learner_higher_and_says_why(run):
    busy, quiet = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    group = group_of(run, [busy, quiet])
    for meeting in Meeting.objects.filter(group=group, week__lte=2):
        Attendance.objects.create(meeting=meeting, enrolment=busy, present=True)
        Attendance.objects.create(meeting=meeting, enrolment=quiet, present=False)
    for title in ("Task 1", "Task 2"):
        completion_mark(enrolment=busy, activity=Activity.objects.get(title=title),
                        now=dt.datetime(2030, 3, 19, tzinfo=dt.UTC))
    with time_machine.travel(DAY_16, tick=False):
        progress_daily_update()
        progress_daily_update()  # again the same day: replaced, not doubled
    scores = {s.enrolment_id: s for s in RiskScore.objects.all()}
    assert len(scores) == 2
    assert scores[quiet.pk].score > scores[busy.pk].score
    assert scores[quiet.pk].run_day == 16
    reasons = [r["text"] for r in scores[quiet.pk].reasons]
    assert "missed 100% of the group meetings" in reasons
    assert scores[quiet.pk].features["first_assignment_missed"] is True
    assert scores[busy.pk].features["first_assignment_missed"] is False
