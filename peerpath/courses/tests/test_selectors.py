"""Course and run reads, and the week arithmetic of a run."""

import datetime as dt

import pytest

from peerpath.courses import selectors
from peerpath.courses.models import Course, Run
from tests.factories import ActivityFactory, CourseFactory, ModuleFactory, RunFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 9, 1)


@pytest.fixture
def four_week_run():
    course = CourseFactory()
    for position in (1, 2, 3, 4):
        ModuleFactory(course=course, position=position, slug=f"week-{position}")
    return RunFactory(course=course, starts_on=MONDAY)


@pytest.mark.parametrize(
    "on, week",
    [
        (MONDAY - dt.timedelta(days=30), 0),
        (MONDAY - dt.timedelta(days=1), 0),
        (MONDAY, 1),
        (MONDAY + dt.timedelta(days=6), 1),
        (MONDAY + dt.timedelta(days=7), 2),
        (MONDAY + dt.timedelta(days=27), 4),
        (MONDAY + dt.timedelta(days=28), 5),
        (MONDAY + dt.timedelta(days=400), 5),
    ],
)
def test_run_week_counts_from_one_on_the_start_day_and_stops_at_modules_plus_one(
    four_week_run, on, week
):
    assert selectors.run_week(run=four_week_run, on=on) == week


def test_run_module_for_week_follows_module_order(four_week_run):
    assert selectors.run_module_for_week(run=four_week_run, week=1).slug == "week-1"
    assert selectors.run_module_for_week(run=four_week_run, week=4).slug == "week-4"


@pytest.mark.parametrize("week", [0, 5, -1])
def test_run_module_for_week_is_none_before_the_start_and_after_the_end(four_week_run, week):
    assert selectors.run_module_for_week(run=four_week_run, week=week) is None


def test_run_module_for_week_ignores_gaps_in_positions():
    course = CourseFactory()
    ModuleFactory(course=course, position=10, slug="later")
    ModuleFactory(course=course, position=3, slug="earlier")
    run = RunFactory(course=course, starts_on=MONDAY)

    assert selectors.run_module_for_week(run=run, week=1).slug == "earlier"
    assert selectors.run_module_for_week(run=run, week=2).slug == "later"


def test_run_end_date_is_the_last_day_of_the_last_week(four_week_run):
    end = selectors.run_end_date(run=four_week_run)

    assert end == dt.date(2025, 9, 28)
    assert selectors.run_week(run=four_week_run, on=end) == 4
    assert selectors.run_week(run=four_week_run, on=end + dt.timedelta(days=1)) == 5


def test_run_without_modules_ends_on_its_start_day_and_is_finished_from_then():
    run = RunFactory(starts_on=MONDAY)

    assert selectors.run_end_date(run=run) == MONDAY
    assert selectors.run_week(run=run, on=MONDAY) == 1


def test_course_and_run_are_found_by_slug():
    run = RunFactory(slug="autumn", course=CourseFactory(slug="python"))

    assert selectors.course_get(slug="python") == run.course
    assert selectors.run_get(slug="autumn") == run
    with pytest.raises(Course.DoesNotExist):
        selectors.course_get(slug="nope")
    with pytest.raises(Run.DoesNotExist):
        selectors.run_get(slug="nope")


def test_run_list_open_holds_only_open_runs_soonest_first():
    later = RunFactory(starts_on=MONDAY + dt.timedelta(days=14))
    sooner = RunFactory(starts_on=MONDAY)
    RunFactory(status=Run.Status.DRAFT)
    RunFactory(status=Run.Status.CLOSED)

    assert list(selectors.run_list_open()) == [sooner, later]


def test_module_list_gives_modules_and_activities_in_order_in_two_queries(
    django_assert_num_queries,
):
    course = CourseFactory()
    second = ModuleFactory(course=course, position=2)
    first = ModuleFactory(course=course, position=1)
    ActivityFactory(module=first, position=2, slug="b")
    ActivityFactory(module=first, position=1, slug="a")
    ActivityFactory(module=second, position=1, slug="c")

    with django_assert_num_queries(2):
        modules = list(selectors.module_list(course=course))
        slugs = [[activity.slug for activity in module.activities.all()] for module in modules]

    assert modules == [first, second]
    assert slugs == [["a", "b"], ["c"]]
