"""Factories and fixtures for the meetings tests (the suite-wide ones are in tests/factories)."""

import datetime as dt

import factory
import pytest

from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.models import Meeting
from tests.factories import EnrolmentFactory, ModuleFactory, RunFactory, UserFactory

__all__ = ["UserFactory", "StudyGroupFactory", "GroupMembershipFactory", "MeetingFactory"]

# Tuesday 17:00 UTC as an hour of the week counted from Monday 00:00 UTC.
TUESDAY_17_UTC = 24 + 17


class StudyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyGroup

    run = factory.SubFactory(RunFactory)
    number = factory.Sequence(lambda n: n + 1)
    language = "en"
    hour_utc = TUESDAY_17_UTC


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(StudyGroupFactory)
    enrolment = factory.SubFactory(EnrolmentFactory, run=factory.SelfAttribute("..group.run"))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(StudyGroupFactory)
    week = 1
    starts_at = dt.datetime(2026, 10, 13, 17, tzinfo=dt.UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


def run_with_modules(*, weeks=5, **run_fields):
    """A run whose course has `weeks` modules at positions 1..weeks."""
    run = RunFactory(**run_fields)
    for position in range(1, weeks + 1):
        ModuleFactory(course=run.course, position=position, title=f"Week {position} topic")
    return run


def group_with_members(*, run, members=3, **group_fields):
    group = StudyGroupFactory(run=run, **group_fields)
    for _ in range(members):
        GroupMembershipFactory(group=group)
    return group


@pytest.fixture
def autumn_run(db):
    """A five-week run in Oslo starting Monday 12 October 2026: it spans the end of European
    summer time (Sunday 25 October) and of North American summer time (Sunday 1 November)."""
    return run_with_modules(weeks=5, starts_on=dt.date(2026, 10, 12), timezone="Europe/Oslo")


@pytest.fixture
def autumn_group(autumn_run):
    return group_with_members(run=autumn_run, members=3)


@pytest.fixture
def before_the_run():
    return dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def outsider(db):
    return UserFactory()
