"""Pure development-plan rules: the template, overdue detection and which reminders are due."""

import datetime as dt

from peerpath.production import plan
from peerpath.production.plan import MilestoneFacts, reminders

TODAY = dt.date(2030, 3, 10)


def test_the_default_template_runs_from_learning_outcomes_to_launch_in_date_order():
    dates = plan.planned_dates(dt.date(2030, 1, 1))
    assert [m.slug for m, _ in dates] == [
        "learning_outcomes",
        "outline",
        "first_module",
        "media_production",
        "pilot",
        "launch",
    ]
    assert [d for _, d in dates] == sorted(d for _, d in dates)


def test_a_milestone_is_overdue_only_after_its_due_date_and_while_open():
    assert plan.is_overdue(MilestoneFacts(1, TODAY - dt.timedelta(days=1), False), today=TODAY)
    assert not plan.is_overdue(MilestoneFacts(1, TODAY, False), today=TODAY)
    assert not plan.is_overdue(MilestoneFacts(1, TODAY - dt.timedelta(days=9), True), today=TODAY)


def test_owners_are_reminded_a_week_and_a_day_ahead_and_consultants_when_one_slips():
    def stage(days_left):
        due = TODAY + dt.timedelta(days=days_left)
        return [r.stage for r in reminders([MilestoneFacts(1, due, False)], today=TODAY)]

    assert stage(8) == []
    assert stage(7) == stage(2) == ["due_in_7"]
    assert stage(1) == stage(0) == ["due_in_1"]
    assert stage(-1) == ["slipped"]
    assert reminders([MilestoneFacts(1, TODAY, True)], today=TODAY) == []


def test_a_reminder_key_names_milestone_stage_and_due_date_so_a_new_date_rearms_it():
    first = reminders([MilestoneFacts(5, TODAY, False)], today=TODAY)[0]
    moved = reminders([MilestoneFacts(5, TODAY + dt.timedelta(days=1), False)], today=TODAY)[0]
    assert first.key == "production-milestone:5:due_in_1:2030-03-10"
    assert first.key != moved.key
