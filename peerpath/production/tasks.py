"""Background tasks of production (thin: call a service).

`plan_milestone_reminders` runs every hour from the scheduler (`crontask`). Planning is
idempotent (each reminder has a unique key), so hourly runs write each reminder once, and a
scheduler that was down catches up on its next tick.
"""

from crontask import cron
from django.tasks import task
from django.utils import timezone

from peerpath.production.services import milestone_reminders_plan


@cron("17 * * * *")
@task()
def plan_milestone_reminders() -> int:
    return milestone_reminders_plan(today=timezone.localdate())
