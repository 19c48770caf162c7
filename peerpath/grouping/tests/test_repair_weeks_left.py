"""The weekly repair knows how many weeks the run still has: at its last week it repairs for that
week only (thin groups topped up), before that it also spares next week's moves (thin groups
merged into bigger ones) — against the real database and the staff page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.courses.models import Run
from peerpath.grouping.services import repair_propose
from peerpath.grouping.services.repairing import run_weeks_left
from tests.factories import ActivityFactory, ModuleFactory, RunFactory, StaffFactory

from .test_seat_release import group_of

pytestmark = pytest.mark.django_db


def run_of(weeks: int, **fields):
    run = RunFactory(**fields)
    for week in range(1, weeks + 1):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    return run


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC), 3),  # before the run: every week to come
        # Monday 01:00 in Auckland, still Sunday in UTC: week 1 has begun where the run is
        (dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), 2),
        (dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), 1),  # Sunday 23:00 local, end of week 2
        (dt.datetime(2026, 3, 16, 11, 30, tzinfo=dt.UTC), 0),  # Tuesday 00:30 local, week 3
        (dt.datetime(2026, 5, 1, tzinfo=dt.UTC), 0),  # after the run
    ],
)
def test_weeks_left_count_the_runs_weeks_in_its_own_timezone(now, left):
    run = run_of(3, starts_on=dt.date(2026, 3, 2), timezone="Pacific/Auckland")
    assert run_weeks_left(run=run, now=now) == left
    # a run in rolling waves has no one last week: the repair always looks ahead
    run.pace = Run.Pace.ROLLING
    assert run_weeks_left(run=run, now=now) is None


def test_in_the_last_week_thin_groups_are_topped_up_and_earlier_they_are_merged(client):
    today = timezone.now().date()
    # the same groups in two runs: two evening groups of three active members and one of six
    last = run_of(3, starts_on=today - dt.timedelta(days=15), timezone="UTC")
    early = run_of(3, starts_on=today - dt.timedelta(days=1), timezone="UTC")
    for run in (last, early):
        for number, active in ((1, 3), (2, 3), (3, 6)):
            group_of(run, number, active=active, quiet_days=[])
    in_last, in_early = repair_propose(run=last), repair_propose(run=early)
    assert in_last.figures["weeks_left"] == 0 and in_early.figures["weeks_left"] == 2
    for proposal in (in_last, in_early):
        assert proposal.figures["thin_before"] == 2 and proposal.figures["thin_after"] == 0
        assert proposal.figures["time_changed"] == 0
    # last week: one learner of the six completes each three; earlier: one three joins the other
    assert in_last.figures["moved"] == 2 and in_early.figures["moved"] == 3
    assert in_last.new_groups == [] and in_early.new_groups == []

    client.force_login(StaffFactory())
    page = client.get(reverse("grouping:staff_repair", args=[last.slug])).content.decode()
    assert 'data-figure="weeks-left">0 (the last week' in page
    page = client.get(reverse("grouping:staff_repair", args=[early.slug])).content.decode()
    assert 'data-figure="weeks-left">2<' in page
