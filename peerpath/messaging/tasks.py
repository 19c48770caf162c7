"""Background tasks of messaging (thin: call a service).

`deliver_outbox` is enqueued after each commit that queues a message due now, and runs every
minute from the scheduler (`crontask`) to send planned messages as they fall due and to retry.
`plan_messages` runs every ten minutes to plan and reconcile the time-triggered messages.
"""

from crontask import cron
from django.tasks import task

from peerpath.messaging.services import outbox_deliver_due


@cron("* * * * *")
@task()
def deliver_outbox() -> dict:
    return outbox_deliver_due()


@cron("*/10 * * * *")
@task()
def plan_messages() -> dict:
    from peerpath.messaging.planner import messages_plan_all

    return messages_plan_all()
