"""The run's message plan, first version: the weekly module mail at 08:00 in each learner's
own timezone on the first day of each week of the run.

Rows are written ahead with their due time; content is rendered at delivery from current data.
"""

import datetime as dt
import zoneinfo

from django.db import transaction

from peerpath.enrollment.models import Enrolment
from peerpath.messaging.services import outbox_enqueue_many

WEEKLY_SEND_HOUR = 8


def weekly_due_at(*, starts_on: dt.date, week: int, tz_name: str) -> dt.datetime:
    """08:00 local on the first day of week `week` (from 1) of a run starting on `starts_on`."""
    day = starts_on + dt.timedelta(days=7 * (week - 1))
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    return dt.datetime.combine(day, dt.time(WEEKLY_SEND_HOUR), tzinfo=tz).astimezone(dt.UTC)


def run_weekly_messages_plan(*, run, enrolments=None) -> int:
    """Plan the weekly module mail of every week for each confirmed learner; returns new rows."""
    weeks = run.course.modules.count()
    if enrolments is None:
        enrolments = Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED)
    enrolments = list(
        enrolments.select_related("user") if hasattr(enrolments, "select_related") else enrolments
    )
    rows = [
        {
            "key": f"weekly:{run.pk}:{e.pk}:{week}",
            "kind": "weekly_module",
            "run": run,
            "recipient": e.user,
            "context": {"enrolment": e.pk, "week": week},
            "due_at": weekly_due_at(starts_on=run.starts_on, week=week, tz_name=e.timezone),
        }
        for e in enrolments
        for week in range(1, weeks + 1)
    ]
    with transaction.atomic():
        return outbox_enqueue_many(rows)
