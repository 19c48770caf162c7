"""Writes for production, one use case each (`<entity>_<action>`, keyword-only arguments)."""

from peerpath.production.services.bookings import booking_create
from peerpath.production.services.gate import (
    run_change_check,
    run_open,
    run_open_check,
    semester_review_record,
)
from peerpath.production.services.planning import (
    development_plan_create,
    feedback_comment_add,
    feedback_comment_resolve,
    feedback_round_open,
    milestone_complete,
    milestone_reminders_plan,
    milestone_reschedule,
)
from peerpath.production.services.programme import (
    programme_create,
    programme_designer_assign,
    proposal_programme_group_set,
)
from peerpath.production.services.proposals import (
    assessment_record,
    production_role_grant,
    proposal_attachment_add,
    proposal_course_set,
    proposal_create,
    proposal_pilot_run_set,
    proposal_transition,
    proposal_update,
)

__all__ = [
    "assessment_record",
    "booking_create",
    "development_plan_create",
    "feedback_comment_add",
    "feedback_comment_resolve",
    "feedback_round_open",
    "milestone_complete",
    "milestone_reminders_plan",
    "milestone_reschedule",
    "production_role_grant",
    "programme_create",
    "programme_designer_assign",
    "proposal_programme_group_set",
    "proposal_attachment_add",
    "proposal_course_set",
    "proposal_create",
    "proposal_pilot_run_set",
    "proposal_transition",
    "proposal_update",
    "run_change_check",
    "run_open",
    "run_open_check",
    "semester_review_record",
]
