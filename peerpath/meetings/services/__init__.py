"""Writes for meetings; other apps import from here only.

series   — each group's weekly series, its video room and its calendar files
visits   — the facilitator pool and who visits which meeting
records  — RSVP, attendance, feedback, leader hand-over, the group's notes and profiles
changes  — staff moving or cancelling meetings, told to everyone affected once
feeds    — calendar feeds behind resettable tokens
"""

from .series import (
    meeting_invite_ics,
    meeting_series_create,
    meeting_series_for_run,
    meeting_series_refresh,
    meeting_video_url,
)

__all__ = [
    "meeting_invite_ics",
    "meeting_series_create",
    "meeting_series_for_run",
    "meeting_series_refresh",
    "meeting_video_url",
]

from .changes import meeting_cancel, meeting_move, meetings_cancel_rest  # noqa: E402
from .feeds import calendar_feed_get, calendar_feed_ics, calendar_feed_reset  # noqa: E402
from .records import (  # noqa: E402
    group_note_add,
    group_note_delete,
    meeting_attendance_members,
    meeting_attendance_record,
    meeting_attendance_requests_plan,
    meeting_feedback_record,
    meeting_leader_handover,
    meeting_next_in_line,
    meeting_rsvp_record,
    member_profile_update,
)
from .visits import facilitator_add, facilitator_leave, facilitator_visits_assign  # noqa: E402

__all__ += [
    "calendar_feed_get",
    "calendar_feed_ics",
    "calendar_feed_reset",
    "facilitator_add",
    "facilitator_leave",
    "facilitator_visits_assign",
    "group_note_add",
    "group_note_delete",
    "meeting_attendance_members",
    "meeting_attendance_record",
    "meeting_attendance_requests_plan",
    "meeting_cancel",
    "meetings_cancel_rest",
    "meeting_feedback_record",
    "meeting_leader_handover",
    "meeting_move",
    "meeting_next_in_line",
    "meeting_rsvp_record",
    "member_profile_update",
]
