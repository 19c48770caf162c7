"""Meeting pages: calendar files and feeds, the group page, signed-link actions (RSVP,
attendance, hand-over, feedback), the facilitator's visits, and staff pages (pool, changes)."""

from .calendars import feed, group_calendar, meeting_invite
from .facilitators import facilitator_pool, my_visits
from .group import group_manage, group_page
from .signed import attendance, feedback, handover, rsvp

__all__ = [
    "attendance",
    "facilitator_pool",
    "feed",
    "feedback",
    "group_calendar",
    "group_manage",
    "group_page",
    "handover",
    "meeting_invite",
    "my_visits",
    "rsvp",
]
