"""Periodic work of progress (thin: call a service).

Every day: bring meeting attendance into progress, evaluate completion rules for every running
run, and score every active learner's risk of dropping out (kept per day for evaluation).
"""

from crontask import cron
from django.tasks import task


@cron("20 3 * * *")
@task()
def progress_daily() -> dict:
    from peerpath.progress.daily import progress_daily_update

    return progress_daily_update()
