"""Background tasks of surveys (thin: call a service).

`surveys_tick` runs every ten minutes from the scheduler (`crontask`): it opens surveys whose
time has come (inviting the run's learners), invites learners who joined an open survey's run
since, and closes surveys that have ended.
"""

from crontask import cron
from django.tasks import task

from peerpath.surveys import services


@cron("*/10 * * * *")
@task()
def surveys_tick() -> dict:
    return services.surveys_tick()
