"""Signed links for meeting actions that need no login: RSVP, attendance, hand-over, feedback.

Each purpose has its own salt (see `peerpath.common.signed_links`), so a link made for one
action can never be replayed against another. Attendance and hand-over links work once.
"""

from django.conf import settings
from django.urls import reverse

from peerpath.common.signed_links import link_token_make

RSVP = "meeting_rsvp"
ATTENDANCE = "meeting_attendance"
HANDOVER = "meeting_handover"
FEEDBACK = "meeting_feedback"

DAY = 24 * 60 * 60
MAX_AGE = {RSVP: 60 * DAY, HANDOVER: 30 * DAY, FEEDBACK: 30 * DAY}  # attendance: run setting


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def rsvp_url(*, meeting_id: int, enrolment_id: int, answer: str) -> str:
    token = link_token_make(RSVP, {"m": meeting_id, "e": enrolment_id, "a": answer})
    return _absolute(reverse("meetings:rsvp", args=[token]))


def attendance_url(*, meeting_id: int, recorder_id: int, days: int = 14) -> str:
    """For the leader's or facilitator's user id; works once, for `days` days."""
    token = link_token_make(ATTENDANCE, {"m": meeting_id, "u": recorder_id, "d": days}, once=True)
    return _absolute(reverse("meetings:attendance", args=[token]))


def handover_url(*, meeting_id: int, enrolment_id: int) -> str:
    token = link_token_make(HANDOVER, {"m": meeting_id, "e": enrolment_id}, once=True)
    return _absolute(reverse("meetings:handover", args=[token]))


def feedback_url(*, meeting_id: int, enrolment_id: int) -> str:
    token = link_token_make(FEEDBACK, {"m": meeting_id, "e": enrolment_id})
    return _absolute(reverse("meetings:feedback", args=[token]))
