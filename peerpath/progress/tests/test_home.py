"""The learner home: this week's module, my group, my next meeting, my progress."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.services import meeting_series_create
from peerpath.progress.models import Completion
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def run():
    run = RunFactory(starts_on=MONDAY, timezone="UTC", title="Python for all")
    for week in (1, 2, 3):
        module = ModuleFactory(course=run.course, position=week, title=f"Week topic {week}")
        ActivityFactory(module=module, title=f"Read chapter {week}")
    return run


def published_group(run, members, hour=18):
    group = StudyGroup.objects.create(
        run=run, number=1, language="en", hour_utc=hour, status="published"
    )
    for enrolment in members:
        GroupMembership.objects.create(group=group, enrolment=enrolment)
    meeting_series_create(group=group)
    return group


@time_machine.travel(dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC), tick=False)
def test_home_shows_this_weeks_module_my_group_and_next_meeting_in_my_timezone(client, run):
    me = EnrolmentFactory(run=run, timezone="America/New_York", user__display_name="Me Myself")
    mate = EnrolmentFactory(run=run, user__display_name="Group Mate")
    stranger = EnrolmentFactory(run=run, user__display_name="Not In My Group")
    published_group(run, [me, mate])
    client.force_login(me.user)
    page = client.get(reverse("home")).content.decode()
    assert "Week 2: Week topic 2" in page
    assert "Read chapter 2" in page
    assert "Group Mate" in page
    assert stranger.user.display_name not in page
    # Monday 18:00 UTC is 13:00 in New York in December
    assert "Monday 14 December 2026, 13:00 (America/New_York)" in page


def test_a_draft_group_is_not_shown_to_its_members(client, run):
    me = EnrolmentFactory(run=run)
    mate = EnrolmentFactory(run=run, user__display_name="Draft Mate")
    group = StudyGroup.objects.create(run=run, number=1, language="en", hour_utc=18)
    for e in (me, mate):
        GroupMembership.objects.create(group=group, enrolment=e)
    client.force_login(me.user)
    page = client.get(reverse("home")).content.decode()
    assert "Draft Mate" not in page
    assert "will be announced" in page


def test_marking_an_activity_done_counts_once_and_can_be_undone(client, run):
    me = EnrolmentFactory(run=run)
    activity = run.course.modules.get(position=1).activities.get()
    client.force_login(me.user)
    url = reverse("mark_done", args=[me.pk, activity.pk])
    client.post(url, {"done": "1"})
    client.post(url, {"done": "1"})
    assert Completion.objects.filter(enrolment=me, activity=activity).count() == 1
    assert "1 of 3 required activities done" in client.get(reverse("home")).content.decode()
    client.post(url, {"done": "0"})
    assert not Completion.objects.filter(enrolment=me).exists()


def test_a_learner_cannot_mark_work_for_someone_else(client, run):
    me = EnrolmentFactory(run=run)
    other = EnrolmentFactory(run=run)
    activity = run.course.modules.get(position=1).activities.get()
    client.force_login(me.user)
    response = client.post(reverse("mark_done", args=[other.pk, activity.pk]), {"done": "1"})
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_anonymous_visitors_see_the_open_courses(client, run):
    page = client.get(reverse("home")).content.decode()
    assert "Python for all" in page
