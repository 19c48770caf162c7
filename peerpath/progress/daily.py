"""The daily update: completion rules and risk scores for every run in progress."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peerpath.courses.models import Run
from peerpath.progress.completion import run_completion_evaluate_run


def runs_in_progress(*, today: dt.date):
    return Run.objects.filter(
        status__in=[Run.Status.OPEN, Run.Status.RUNNING], starts_on__lte=today
    ).select_related("course")


def progress_daily_update(*, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    counts = {"runs": 0, "completed": 0, "scored": 0}
    for run in runs_in_progress(today=now.date()):
        counts["runs"] += 1
        counts["completed"] += run_completion_evaluate_run(run=run, now=now)
        try:
            from peerpath.progress.risk_service import run_risk_scores_update
        except ImportError:
            continue
        counts["scored"] += run_risk_scores_update(run=run, now=now)
    return counts
