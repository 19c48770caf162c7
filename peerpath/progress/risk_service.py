"""The daily risk score of every active learner: gather signals, score, keep (the adapter
around the pure `peerpath.progress.risk`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from peerpath.courses.models import Activity, Run
from peerpath.courses.selectors import run_week
from peerpath.enrollment.models import Enrolment
from peerpath.progress.completion import attendance_model
from peerpath.progress.models import Completion, RiskScore, RunCompletion
from peerpath.progress.risk import DEFAULT_MODEL, RiskModel, Signals, risk_score
from peerpath.progress.selectors import last_activity_at


def course_withdrawal_rate(*, run) -> float | None:
    """Share of the enrolled who withdrew from the course's runs that started before this one
    (learners who moved to a later run are counted there, not here)."""
    earlier = Enrolment.objects.filter(
        run__course_id=run.course_id,
        run__starts_on__lt=run.starts_on,
        confirmed_at__isnull=False,
        moved_to__isnull=True,  # a move to a later run is not a withdrawal
    ).aggregate(
        total=Count("id"), withdrew=Count("id", filter=Q(status=Enrolment.Status.WITHDRAWN))
    )
    return earlier["withdrew"] / earlier["total"] if earlier["total"] else None


def run_signals(*, run, now: dt.datetime) -> dict[int, Signals]:
    """Signals of every confirmed learner of the run, as known at `now`."""
    today = now.date()
    week = run_week(run=run, on=today)
    enrolments = list(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).only(
            "pk", "user_id", "confirmed_at", "created_at", "knowledge"
        )
    )
    ids = [e.pk for e in enrolments]
    required = list(
        Activity.objects.filter(module__course_id=run.course_id, required=True)
        .select_related("module")
        .order_by("module__position", "position")
    )
    due = {a.pk for a in required if a.module.position < week}  # weeks already over
    assignments = [a for a in required if a.kind == Activity.Kind.DO and a.pk in due]
    first_assignment = assignments[0].pk if assignments else None
    done: dict[int, set[int]] = {i: set() for i in ids}
    for enrolment_id, activity_id in Completion.objects.filter(enrolment__run=run).values_list(
        "enrolment_id", "activity_id"
    ):
        done.setdefault(enrolment_id, set()).add(activity_id)
    shares = {i: (len(done[i] & due) / len(due)) if due else None for i in ids}
    known = [s for s in shares.values() if s is not None]
    median = statistics.median(known) if known else None
    missed_share = _meetings_missed_share(run=run, ids=ids, now=now)
    latest = last_activity_at(ids)
    rate = course_withdrawal_rate(run=run)
    users = [e.user_id for e in enrolments]
    others = dict(
        Enrolment.objects.filter(
            user_id__in=users,
            status=Enrolment.Status.CONFIRMED,
            run__status__in=[Run.Status.OPEN, Run.Status.RUNNING],
            run__starts_on__lte=today,
        )
        .exclude(run=run)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    attempts = dict(
        Enrolment.objects.filter(
            user_id__in=users, run__course_id=run.course_id, run__starts_on__lt=run.starts_on
        )
        .exclude(pk__in=RunCompletion.objects.values("enrolment_id"))
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    start = dt.datetime.combine(run.starts_on, dt.time(0), tzinfo=dt.UTC)
    signals = {}
    for e in enrolments:
        joined = e.confirmed_at or e.created_at
        since = max(filter(None, [latest.get(e.pk), joined, start]))
        share = shares[e.pk]
        signals[e.pk] = Signals(
            days_inactive=max((now - since).total_seconds() / 86400, 0.0),
            first_assignment_missed=(
                first_assignment not in done[e.pk] if first_assignment is not None else None
            ),
            late_signup_days=max((joined.date() - run.starts_on).days, 0) if joined else None,
            due_done_share=share,
            relative_progress=(
                share - median if share is not None and median is not None else None
            ),
            meetings_missed_share=missed_share.get(e.pk),
            due_missed=len(due - done[e.pk]) if due else None,
            work_done=len(done[e.pk]),
            other_enrolments=others.get(e.user_id, 0),
            earlier_attempts=attempts.get(e.user_id, 0),
            prior_knowledge=e.knowledge,
            course_withdrawal_rate=rate,
        )
    return signals


def _meetings_missed_share(*, run, ids: list[int], now: dt.datetime) -> dict[int, float]:
    """Per learner: share of their group's meetings with recorded attendance they missed."""
    Attendance = attendance_model()
    if Attendance is None:
        return {}
    counts: dict[int, list[int]] = {}
    for enrolment_id, present in Attendance.objects.filter(
        enrolment_id__in=ids, meeting__starts_at__lte=now, meeting__group__run=run
    ).values_list("enrolment_id", "present"):
        pair = counts.setdefault(enrolment_id, [0, 0])
        pair[0] += int(not present)
        pair[1] += 1
    return {i: missed / held for i, (missed, held) in counts.items() if held}


def run_risk_scores_update(
    *, run, now: dt.datetime | None = None, model: RiskModel = DEFAULT_MODEL
) -> int:
    """Score every confirmed learner of the run for today; returns how many were scored.
    Idempotent per day: scoring again the same day replaces that day's score."""
    now = now or timezone.now()
    day = now.date()
    run_day = (day - run.starts_on).days
    rows = []
    for enrolment_id, signals in run_signals(run=run, now=now).items():
        result = risk_score(signals, model)
        rows.append(
            RiskScore(
                enrolment_id=enrolment_id,
                day=day,
                run_day=run_day,
                score=round(result.score, 4),
                reasons=[dataclasses.asdict(reason) for reason in result.reasons],
                features=dataclasses.asdict(signals),
            )
        )
    with transaction.atomic():
        RiskScore.objects.filter(enrolment__run=run, day=day).delete()
        RiskScore.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
