"""Forming a run's draft groups (at once or as a background job), locking and publishing them.

Adapter around the pure solver: selector → plain Learner objects → solve → persist in one
transaction → side effects (meetings, messages) on publish.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import (
    GroupingJob,
    GroupingResult,
    GroupMembership,
    LateJoinerHold,
    StudyGroup,
)
from peerpath.grouping.solver import Learner, Rules, solve

from .notify import group_intro_notify

logger = logging.getLogger(__name__)

HOURS_PER_WEEK = 168
# share of the work done when each solver phase ends (for the progress bar)
PHASE_PROGRESS = {
    "read": 10,
    "lower bound": 20,
    "colleague units": 25,
    "hours": 55,
    "hours, units broken": 60,
    "groups": 70,
    "worst groups": 80,
    "output": 85,
    "check": 90,
    "measure": 92,
}
STALE_JOB = dt.timedelta(minutes=30)


def run_allowed_hours(*, run) -> frozenset[int]:
    """The UTC hours of the week inside the run's daily local meeting window.

    The window is local to the run's timezone; it is taken at the run's first week (the
    members' own availability already accounts for daylight-saving changes)."""
    tz = zoneinfo.ZoneInfo(run.timezone)
    start, end = run.meeting_window_start, run.meeting_window_end
    monday = run.starts_on - dt.timedelta(days=run.starts_on.weekday())
    hours = set()
    for day in range(7):
        date = monday + dt.timedelta(days=day)
        for hour in range(start, end):
            local = dt.datetime.combine(date, dt.time(hour), tzinfo=tz)
            utc = local.astimezone(dt.UTC)
            hours.add((utc.weekday() * 24 + utc.hour) % HOURS_PER_WEEK)
    return frozenset(hours)


def run_rules(*, run) -> Rules:
    """The run's grouping rules, with its meeting window as the allowed hours."""
    data = dict(run.grouping_rules or {})
    data.setdefault("allowed_hours", sorted(run_allowed_hours(run=run)))
    try:
        return Rules.from_dict(data)
    except ValueError as error:
        raise ApplicationError(str(error), field="grouping_rules") from error


def enrolment_as_learner(enrolment: Enrolment) -> Learner:
    return Learner(
        id=str(enrolment.pk),
        language=enrolment.language,
        availability=frozenset(enrolment.availability_utc),
        timezone=enrolment.timezone,
        organisation=str(enrolment.organisation_id) if enrolment.organisation_id else None,
        mode=enrolment.mode,
        knowledge=min(max(enrolment.knowledge, 0), 4),
        role=enrolment.role,
    )


def _ungrouped_learners(run) -> list[Learner]:
    """Confirmed learners of the run who are not in a locked or published group."""
    kept = StudyGroup.objects.filter(run=run).exclude(status=StudyGroup.Status.DRAFT)
    placed = set(
        GroupMembership.objects.filter(group__in=kept).values_list("enrolment_id", flat=True)
    )
    return [
        enrolment_as_learner(e)
        for e in Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).order_by("pk")
        if e.pk not in placed
    ]


def groups_form(
    *, run, seed: int = 0, progress: Callable[[str], None] | None = None
) -> GroupingResult:
    """Form draft groups for every confirmed learner not in a locked or published group.

    Draft groups of an earlier formation are replaced; locked and published groups stay. The
    solver runs outside the transaction (so progress can be seen); should the learners change
    meanwhile, it runs again on the current ones before anything is written."""
    rules = run_rules(run=run)
    learners = _ungrouped_learners(run)
    solution = solve(learners, rules, seed=seed, progress=progress)
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).first()  # one formation at a time
        current = _ungrouped_learners(run)
        if current != learners:
            solution = solve(current, rules, seed=seed)
        kept = StudyGroup.objects.filter(run=run).exclude(status=StudyGroup.Status.DRAFT)
        StudyGroup.objects.filter(run=run, status=StudyGroup.Status.DRAFT).delete()
        next_number = (max(kept.values_list("number", flat=True), default=0)) + 1
        groups = [
            StudyGroup(
                run=run, number=next_number + offset, language=group.language, hour_utc=group.hour
            )
            for offset, group in enumerate(solution.groups)
        ]
        StudyGroup.objects.bulk_create(groups, batch_size=500)
        if groups and groups[0].pk is None:  # backends without RETURNING on bulk insert
            groups = list(
                StudyGroup.objects.filter(run=run, number__gte=next_number).order_by("number")
            )
        memberships = [
            GroupMembership(group=stored, enrolment_id=int(member))
            for stored, group in zip(groups, solution.groups, strict=True)
            for member in group.members
        ]
        GroupMembership.objects.bulk_create(memberships, batch_size=2000)
        LateJoinerHold.objects.filter(enrolment__run=run).delete()
        report = solution.report.to_dict() if hasattr(solution.report, "to_dict") else {}
        return GroupingResult.objects.create(
            run=run,
            seed=seed,
            report=report,
            unassigned=[{"enrolment": int(u.id), "reason": u.reason} for u in solution.unassigned],
        )


def grouping_job_start(*, run, seed: int = 0, user=None) -> GroupingJob:
    """Queue a formation of the run's draft groups as a background task; one at a time."""
    from peerpath.grouping.tasks import form_groups

    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).first()
        stale = timezone.now() - STALE_JOB
        GroupingJob.objects.filter(
            run=run,
            status__in=[GroupingJob.Status.QUEUED, GroupingJob.Status.RUNNING],
            updated_at__lt=stale,
        ).update(status=GroupingJob.Status.FAILED, error=_("The worker stopped answering."))
        if GroupingJob.objects.filter(
            run=run, status__in=[GroupingJob.Status.QUEUED, GroupingJob.Status.RUNNING]
        ).exists():
            raise ApplicationError(_("Groups of this run are being formed already; wait for it."))
        job = GroupingJob.objects.create(run=run, seed=seed, started_by=user, phase=_("queued"))
        transaction.on_commit(lambda: form_groups.enqueue(job_id=job.pk))
    return job


def _job_update(job_id: int, **fields) -> None:
    GroupingJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def grouping_job_run(*, job_id: int) -> GroupingJob:
    """Run a queued formation, recording its phase and progress as the solver goes."""
    job = GroupingJob.objects.select_related("run").get(pk=job_id)
    if job.status != GroupingJob.Status.QUEUED:
        return job
    _job_update(job_id, status=GroupingJob.Status.RUNNING, phase="read", progress=1)

    def progress(phase: str) -> None:
        _job_update(job_id, phase=phase, progress=PHASE_PROGRESS.get(phase, 50))

    try:
        result = groups_form(run=job.run, seed=job.seed, progress=progress)
    except ApplicationError as error:
        _job_update(job_id, status=GroupingJob.Status.FAILED, error=str(error))
    except Exception as error:  # the job row must say it failed, whatever happened
        logger.exception("forming groups of run %s failed", job.run_id)
        _job_update(job_id, status=GroupingJob.Status.FAILED, error=f"{type(error).__name__}")
    else:
        _job_update(
            job_id, status=GroupingJob.Status.DONE, phase="done", progress=100, result=result
        )
    return GroupingJob.objects.get(pk=job_id)


def groups_lock(*, run) -> int:
    return StudyGroup.objects.filter(run=run, status=StudyGroup.Status.DRAFT).update(
        status=StudyGroup.Status.LOCKED
    )


def group_lock(*, group: StudyGroup) -> StudyGroup:
    """Lock a draft group: forming again keeps it as it is."""
    if group.status != StudyGroup.Status.DRAFT:
        raise ApplicationError(_("Only a draft group can be locked."), field="group")
    StudyGroup.objects.filter(pk=group.pk).update(status=StudyGroup.Status.LOCKED)
    group.status = StudyGroup.Status.LOCKED
    return group


def group_unlock(*, group: StudyGroup) -> StudyGroup:
    """Unlock a locked group: the next formation may change it again."""
    if group.status != StudyGroup.Status.LOCKED:
        raise ApplicationError(_("Only a locked group can be unlocked."), field="group")
    StudyGroup.objects.filter(pk=group.pk).update(status=StudyGroup.Status.DRAFT)
    group.status = StudyGroup.Status.DRAFT
    return group


def groups_publish(*, run) -> int:
    """Publish draft and locked groups: schedule their meetings and tell every member."""
    from peerpath.meetings.services import meeting_series_for_run

    with transaction.atomic():
        to_publish = list(
            StudyGroup.objects.filter(run=run).exclude(status=StudyGroup.Status.PUBLISHED)
        )
        if not to_publish:
            raise ApplicationError(_("There are no groups to publish. Form groups first."))
        StudyGroup.objects.filter(pk__in=[g.pk for g in to_publish]).update(
            status=StudyGroup.Status.PUBLISHED
        )
        meeting_series_for_run(run=run)
        members = GroupMembership.objects.filter(group__in=to_publish).select_related(
            "enrolment__user", "group"
        )
        group_intro_notify(run=run, memberships=members)
        return len(to_publish)
