"""A small run with modules, one published group and its weekly meetings, built directly."""

import datetime as dt
from dataclasses import dataclass

import pytest

from peerpath.accounts.models import RunRole
from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.models import Meeting
from tests.factories import (
    ActivityFactory,
    CourseFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    RunRoleFactory,
    StaffFactory,
    UserFactory,
)


@dataclass
class SmallRun:
    run: object
    modules: list
    enrolments: list
    group: object
    meetings: list
    instructor: object
    facilitator: object


def build_run(
    *,
    starts_on: dt.date,
    zones=("Europe/Oslo", "America/Chicago", "Asia/Tokyo"),
    weeks: int = 3,
    meeting_hour_utc: int = 18,
) -> SmallRun:
    course = CourseFactory()
    modules = []
    for week in range(1, weeks + 1):
        module = ModuleFactory(
            course=course,
            position=week,
            title=f"Module {week}",
            discussion_tasks=f"- Task A of week {week}\n- Task B",
        )
        ActivityFactory(module=module, position=1, title=f"Read chapter {week}")
        ActivityFactory(module=module, position=2, title=f"Exercise {week}", required=False)
        modules.append(module)
    run = RunFactory(course=course, starts_on=starts_on, timezone="Europe/Oslo", status="running")
    enrolments = [
        EnrolmentFactory(
            run=run,
            timezone=zone,
            user=UserFactory(email=f"learner-{i}@example.org", timezone=zone),
        )
        for i, zone in enumerate(zones)
    ]
    group = StudyGroup.objects.create(
        run=run,
        number=1,
        language="en",
        hour_utc=meeting_hour_utc,
        status=StudyGroup.Status.PUBLISHED,
    )
    for enrolment in enrolments:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    facilitator = UserFactory(email="facilitator@example.org", timezone="Europe/Paris")
    RunRoleFactory(run=run, user=facilitator, role=RunRole.Role.FACILITATOR)
    meetings = []
    for week in range(1, weeks + 1):
        starts = dt.datetime.combine(
            starts_on + dt.timedelta(days=7 * (week - 1) + 2),
            dt.time(meeting_hour_utc),
            tzinfo=dt.UTC,
        )
        meetings.append(
            Meeting.objects.create(
                group=group,
                module=modules[week - 1],
                week=week,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                leader=enrolments[(week - 1) % len(enrolments)],
                facilitator=facilitator if week == 2 else None,
            )
        )
    instructor = StaffFactory(email="instructor@example.org")
    RunRoleFactory(run=run, user=instructor, role=RunRole.Role.INSTRUCTOR)
    return SmallRun(run, modules, enrolments, group, meetings, instructor, facilitator)


@pytest.fixture
def small_run(db):
    return build_run(starts_on=dt.date(2026, 3, 2))  # a Monday
