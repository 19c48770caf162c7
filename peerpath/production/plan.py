"""Pure development-plan rules: the default milestone template, overdue detection, reminders.

No Django and no clock: callers pass `today`. Reminder keys carry the milestone, the stage and
the due date, so planning twice on one day (or on later days) writes each reminder once, and a
moved due date arms the reminders again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def _(message: str) -> str:
    return message


@dataclass(frozen=True)
class TemplateMilestone:
    slug: str
    title: str
    days_after_start: int
    owner_role: str  # "instructor" or "consultant": who owns it by default


DEFAULT_TEMPLATE: tuple[TemplateMilestone, ...] = (
    TemplateMilestone("learning_outcomes", _("Learning outcomes"), 14, "instructor"),
    TemplateMilestone("outline", _("Course outline"), 28, "instructor"),
    TemplateMilestone("first_module", _("First module"), 56, "instructor"),
    TemplateMilestone("media_production", _("Media production"), 90, "instructor"),
    TemplateMilestone("pilot", _("Pilot run with a test group"), 120, "consultant"),
    TemplateMilestone("launch", _("Public launch"), 150, "instructor"),
)

REMINDER_LEAD_DAYS = (7, 1)  # reminders to the owner this many days before the due date


@dataclass(frozen=True)
class MilestoneFacts:
    id: int
    due_on: dt.date
    done: bool


@dataclass(frozen=True)
class Reminder:
    milestone_id: int
    stage: str  # "due_in_7", "due_in_1" or "slipped"
    due_on: dt.date

    @property
    def key(self) -> str:
        return f"production-milestone:{self.milestone_id}:{self.stage}:{self.due_on.isoformat()}"

    @property
    def to_consultant(self) -> bool:
        return self.stage == "slipped"


def planned_dates(start_on: dt.date) -> list[tuple[TemplateMilestone, dt.date]]:
    return [(m, start_on + dt.timedelta(days=m.days_after_start)) for m in DEFAULT_TEMPLATE]


def is_overdue(milestone: MilestoneFacts, *, today: dt.date) -> bool:
    return not milestone.done and milestone.due_on < today


def overdue(milestones: Iterable[MilestoneFacts], *, today: dt.date) -> list[MilestoneFacts]:
    return [m for m in milestones if is_overdue(m, today=today)]


def reminders(milestones: Iterable[MilestoneFacts], *, today: dt.date) -> list[Reminder]:
    """Every reminder that should exist by `today` (idempotent: the keys say which are new).

    A reminder stage is due once its day has come and the milestone is still open, so a day
    the planner did not run is caught up the next day rather than lost.
    """
    found = []
    for milestone in milestones:
        if milestone.done:
            continue
        days_left = (milestone.due_on - today).days
        if days_left < 0:
            found.append(Reminder(milestone.id, "slipped", milestone.due_on))
            continue
        stages = [lead for lead in REMINDER_LEAD_DAYS if days_left <= lead]
        if stages:  # only the nearest stage: no stale "a week left" the day before
            found.append(Reminder(milestone.id, f"due_in_{min(stages)}", milestone.due_on))
    return found
