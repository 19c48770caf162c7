"""The weekly module mail of a run, planned ahead for every week at once.

The periodic planner (`peerpath.messaging.planner`) plans the coming days of every timed
message; this function plans all weeks of the weekly mail in one go, for a run being set up
(the demo) or for the benchmark. Rows are written ahead with their due time in each learner's
local send window; content is rendered at delivery from current data.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from peerpath.messaging.policy import policy_for
from peerpath.messaging.windows import at_local

WEEKLY_SEND_HOUR = 8


def weekly_due_at(*, starts_on: dt.date, week: int, tz_name: str) -> dt.datetime:
    """08:00 local on the first day of week `week` (from 1) of a run starting on `starts_on`."""
    day = starts_on + dt.timedelta(days=7 * (week - 1))
    return at_local(day, dt.time(WEEKLY_SEND_HOUR), tz_name)


def run_weekly_messages_plan(*, run, enrolments=None, weeks=None) -> int:
    """Plan the weekly module mail of every week (or of `weeks`) for each confirmed learner;
    returns how many rows were new."""
    from peerpath.enrollment.models import Enrolment
    from peerpath.messaging.services import outbox_enqueue_many
    from peerpath.messaging.wants import RunData, _wants_module_start

    policy = policy_for(run.pk, "weekly_module")
    if enrolments is None:
        enrolments = Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED)
    rows = enrolments.values_list("pk", "user_id", "timezone")
    data = RunData(
        run=run,
        now=timezone.now(),
        enrolments={pk: (user_id, tz) for pk, user_id, tz in rows},
        weeks=run.course.modules.count(),
    )
    wants = _wants_module_start(data, policy, weeks=list(weeks or range(1, data.weeks + 1)))
    emails = _emails(enrolments)
    with transaction.atomic():
        return outbox_enqueue_many(
            [
                {
                    "key": w.key,
                    "kind": w.kind,
                    "run": run,
                    "recipient_id": w.recipient_id,
                    "to_email": emails[w.recipient_id],
                    "context": w.context,
                    "due_at": w.due_at,
                    "tz": w.tz,
                }
                for w in wants
            ]
        )


def _emails(enrolments) -> dict[int, str]:
    """{user id: address} of the enrolled, in one joined query."""
    return dict(enrolments.order_by().values_list("user_id", "user__email"))
