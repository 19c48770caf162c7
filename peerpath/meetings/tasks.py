"""Background tasks of meetings (thin: call a service), run by the scheduler (`crontask`).

Both are idempotent, so a scheduler that was down catches up on its next tick.
"""

from crontask import cron
from django.tasks import task

from peerpath.meetings.services import meeting_attendance_requests_plan, meeting_series_refresh


@cron("*/15 * * * *")
@task()
def plan_attendance_requests() -> int:
    """Ask leaders and facilitators to record attendance soon after each meeting ends."""
    return meeting_attendance_requests_plan()


@cron("41 3 * * *")
@task()
def refresh_series() -> int:
    """Daily: leaders skip members who went quiet; facilitator visits fill gaps."""
    return meeting_series_refresh()
