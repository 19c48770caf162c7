"""Writes for study groups; other apps import from here only.

forming    — the run's rules, forming draft groups (also in the background), locking, publishing
moving     — moving a learner or a colleague block between groups, with the hard-rule check
late       — late joiners: placed into a published group with room, or held with a reason
repairing  — the weekly repair as learners go quiet: proposal, apply, settings
releasing  — quiet members giving up their seat to an active learner during a repair
activity   — who is active, and whether a learner whose seat was released has come back
"""

from .forming import (
    enrolment_as_learner,
    group_lock,
    group_unlock,
    grouping_job_run,
    grouping_job_start,
    groups_form,
    groups_lock,
    groups_publish,
    run_allowed_hours,
    run_rules,
)
from .late import late_joiner_place, late_joiners_place_run
from .moving import group_move_check, group_move_member, group_move_members
from .repairing import (
    grouping_settings_get,
    grouping_settings_update,
    repair_apply,
    repair_discard,
    repair_propose,
    repair_weekly,
)

__all__ = [
    "enrolment_as_learner",
    "group_lock",
    "group_move_check",
    "group_move_member",
    "group_move_members",
    "group_unlock",
    "grouping_job_run",
    "grouping_job_start",
    "grouping_settings_get",
    "grouping_settings_update",
    "groups_form",
    "groups_lock",
    "groups_publish",
    "late_joiner_place",
    "late_joiners_place_run",
    "repair_apply",
    "repair_discard",
    "repair_propose",
    "repair_weekly",
    "run_allowed_hours",
    "run_rules",
]
