"""How well the risk score predicted withdrawal on a course's past runs.

For each finished run and each checkpoint day (0, 28, 56, 112 days after the start), take the
score each learner still enrolled that day had on the first scored day on or after it, and
compare with whether they withdrew later: the area under the ROC curve (0.5 is chance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from peerpath.courses.models import Run
from peerpath.courses.selectors import run_end_date
from peerpath.enrollment.models import Enrolment
from peerpath.progress.risk import roc_auc

CHECKPOINTS = (0, 28, 56, 112)


@dataclass(frozen=True)
class Checkpoint:
    day: int
    learners: int
    withdrew: int
    auc: float | None


@dataclass(frozen=True)
class RunEvaluation:
    run: Run
    checkpoints: list[Checkpoint]


def run_score_evaluation(*, run) -> RunEvaluation:
    from peerpath.progress.models import RiskScore

    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(
            run=run, confirmed_at__isnull=False, moved_to__isnull=True
        ).only(
            "pk", "status", "withdrawn_at"
        )
    }
    by_enrolment: dict[int, list[tuple[int, float]]] = {}
    for enrolment_id, run_day, score in (
        RiskScore.objects.filter(enrolment__run=run)
        .order_by("run_day")
        .values_list("enrolment_id", "run_day", "score")
    ):
        by_enrolment.setdefault(enrolment_id, []).append((run_day, score))
    checkpoints = []
    for day in CHECKPOINTS:
        scores, labels = [], []
        cutoff = run.starts_on + dt.timedelta(days=day)
        for enrolment_id, history in by_enrolment.items():
            enrolment = enrolments.get(enrolment_id)
            if enrolment is None:
                continue
            if enrolment.withdrawn_at is not None and enrolment.withdrawn_at.date() <= cutoff:
                continue  # already gone that day
            score = next((s for d, s in history if d >= day and d < day + 7), None)
            if score is None:
                continue
            scores.append(score)
            labels.append(enrolment.status == Enrolment.Status.WITHDRAWN)
        checkpoints.append(
            Checkpoint(
                day=day, learners=len(scores), withdrew=sum(labels), auc=roc_auc(scores, labels)
            )
        )
    return RunEvaluation(run=run, checkpoints=checkpoints)


def course_score_evaluation(*, course, today: dt.date | None = None) -> list[RunEvaluation]:
    """One evaluation per finished run of the course (closed, or past its last week)."""
    today = today or timezone.localdate()
    finished = [
        run
        for run in Run.objects.filter(course=course).order_by("-starts_on")
        if run.status == Run.Status.CLOSED or run_end_date(run=run) < today
    ]
    return [run_score_evaluation(run=run) for run in finished]
