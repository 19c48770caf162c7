"""Background tasks of grouping (thin: load by id, call a service).

`form_groups` runs a formation queued from the staff page. The scheduler (`crontask`) places
late joiners every hour and proposes (or applies, when the run says so) the weekly repair.
"""

from crontask import cron
from django.tasks import task

from peerpath.grouping import services


@task()
def form_groups(job_id: int) -> str:
    return services.grouping_job_run(job_id=job_id).status


@cron("17 * * * *")
@task()
def place_late_joiners() -> dict:
    from peerpath.courses.models import Run

    totals = {"placed": 0, "held": 0}
    for run in Run.objects.filter(status__in=[Run.Status.OPEN, Run.Status.RUNNING]):
        for key, value in services.late_joiners_place_run(run=run).items():
            totals[key] += value
    return totals


@cron("30 3 * * Mon")
@task()
def repair_groups_weekly() -> dict:
    return services.repair_weekly()
