"""Who is active: the learners' last activity, and whether a learner whose seat was released
has come back.

Activity comes from `peerpath.progress.selectors.last_activity_at` (completions, attendance,
xAPI, sign-in); where that is missing, from completions, meeting attendance and sign-in read
here. A learner is active when their last activity, or their confirmation, is more recent than
the run's `quiet_after_days`. A learner whose seat a repair released is back once they have any
activity after the release.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import SeatRelease


def last_activity(enrolments: list[Enrolment]) -> dict[int, dt.datetime | None]:
    """The latest activity of each enrolment (by pk), or None when there is none."""
    try:
        from peerpath.progress.selectors import last_activity_at
    except ImportError:
        last_activity_at = None
    if last_activity_at is not None:
        return last_activity_at(enrolments)
    latest: dict[int, dt.datetime | None] = {e.pk: e.user.last_login for e in enrolments}

    def offer(rows) -> None:
        for pk, at in rows:
            if at is not None and (latest.get(pk) is None or at > latest[pk]):
                latest[pk] = at

    ids = list(latest)
    try:
        from peerpath.progress.models import Completion
    except ImportError:
        Completion = None
    if Completion is not None:
        offer(
            Completion.objects.filter(enrolment_id__in=ids)
            .values("enrolment_id")
            .annotate(at=Max("completed_at"))
            .values_list("enrolment_id", "at")
        )
    try:
        from peerpath.meetings.models import Attendance
    except ImportError:
        Attendance = None
    if Attendance is not None:
        offer(
            Attendance.objects.filter(enrolment_id__in=ids, present=True)
            .values("enrolment_id")
            .annotate(at=Max("meeting__starts_at"))
            .values_list("enrolment_id", "at")
        )
    return latest


def is_active(enrolment: Enrolment, latest: dt.datetime | None, since: dt.datetime) -> bool:
    """Active: activity, or the confirmation, at or after `since`."""
    return (latest is not None and latest >= since) or (
        enrolment.confirmed_at is not None and enrolment.confirmed_at >= since
    )


def quiet_days(enrolment: Enrolment, latest: dt.datetime | None, now: dt.datetime) -> int:
    """Whole days since the learner's last activity (or confirmation, when they have none)."""
    last = latest or enrolment.confirmed_at or enrolment.created_at
    return max(0, (now - last).days)


def still_released(enrolments: list[Enrolment]) -> set[int]:
    """The enrolments (pks) whose seat a repair released and who have shown no activity since:
    they are not placed in a group again until they do."""
    releases = dict(
        SeatRelease.objects.filter(enrolment__in=enrolments, returned_at__isnull=True).values_list(
            "enrolment_id", "released_at"
        )
    )
    if not releases:
        return set()
    released = [e for e in enrolments if e.pk in releases]
    latest = last_activity(released)
    return {e.pk for e in released if latest.get(e.pk) is None or latest[e.pk] <= releases[e.pk]}
