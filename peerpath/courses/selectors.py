"""Reads for courses and runs, including the week arithmetic of a cohort-paced run.

A run's week 1 is the seven days from `starts_on`; module N is the work of week N. Week 0 means
the run has not started; week (number of modules + 1) means it has finished.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from .models import Activity, Course, Module, Run


def course_get(*, slug: str) -> Course:
    """The course with `slug`; raises Course.DoesNotExist."""
    return Course.objects.get(slug=slug)


def run_get(*, slug: str) -> Run:
    """The run with `slug`, with its course; raises Run.DoesNotExist."""
    return Run.objects.select_related("course").get(slug=slug)


def run_list_open() -> QuerySet[Run]:
    """Runs open for sign-up, soonest first."""
    return (
        Run.objects.filter(status=Run.Status.OPEN)
        .select_related("course")
        .order_by("starts_on", "title")
    )


def module_list(*, course: Course) -> QuerySet[Module]:
    """The course's modules in order, each with its activities in order (prefetched)."""
    return course.modules.order_by("position").prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("position"))
    )


def _module_count(run: Run) -> int:
    return Module.objects.filter(course_id=run.course_id).count()


def run_week(*, run: Run, on: dt.date) -> int:
    """The run's week on the date `on`: 0 before the start, then 1, 2, ... up to the number of
    modules, and number of modules + 1 once the last week is over (the run has finished)."""
    if on < run.starts_on:
        return 0
    week = (on - run.starts_on).days // 7 + 1
    return min(week, _module_count(run) + 1)


def run_module_for_week(*, run: Run, week: int) -> Module | None:
    """The module studied in `week` of the run, or None before the start or after the end."""
    if week < 1:
        return None
    modules = Module.objects.filter(course_id=run.course_id).order_by("position")
    return next(iter(modules[week - 1 : week]), None)


def run_end_date(*, run: Run) -> dt.date:
    """The last day of the run's last week (the start date itself for a course without modules)."""
    weeks = _module_count(run)
    if weeks == 0:
        return run.starts_on
    return run.starts_on + dt.timedelta(days=7 * weeks - 1)
