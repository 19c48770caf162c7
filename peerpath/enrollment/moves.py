"""Moving a learner who fell behind to a later run (or wave) of the same course.

The learner keeps what they have done — every completion is carried over with its date and
source — except the activities of the modules they choose to repeat. The earlier enrolment is
closed (withdrawn, with a `progress.EnrolmentMove` row telling a move from a drop-out), its
group membership ends and its group's meetings are re-planned without them; the new enrolment
is placed in a published group of the later run with room at an hour they can make (grouping's
late-joiner placement), and the message plans of both runs are reconciled, so pending mail of
the earlier run is cancelled and the later run's mail is planned. All in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment

logger = logging.getLogger(__name__)

COPIED_FIELDS = (
    "timezone",
    "availability_local",
    "availability_utc",
    "language",
    "organisation_id",
    "mode",
    "colleagues",
    "knowledge",
    "role",
    "consent_at",
    "source",
)


def later_runs_for(*, enrolment, today: dt.date | None = None) -> list[Run]:
    """Runs of the same course the learner could move to: starting later than theirs, open or
    running, not finished, and not one they are already in."""
    from peerpath.courses.selectors import run_end_date

    today = today or timezone.localdate()
    taken = set(
        Enrolment.objects.filter(user_id=enrolment.user_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("run_id", flat=True)
    )
    runs = Run.objects.filter(
        course_id=enrolment.run.course_id,
        starts_on__gt=enrolment.run.starts_on,
        status__in=[Run.Status.OPEN, Run.Status.RUNNING],
    ).order_by("starts_on")
    return [r for r in runs if r.pk not in taken and run_end_date(run=r) >= today]


def enrolment_move_to_run(
    *, enrolment, to_run, repeat_modules=(), now: dt.datetime | None = None
) -> Enrolment:
    """Move `enrolment` to `to_run`; returns the new enrolment. See the module docstring."""
    from peerpath.progress.models import Completion, EnrolmentMove, RunCompletion

    now = now or timezone.now()
    if enrolment.status != Enrolment.Status.CONFIRMED:
        raise ApplicationError(_("Only a confirmed learner can move to another run."), field="run")
    if to_run.course_id != enrolment.run.course_id:
        raise ApplicationError(_("You can only move to a run of the same course."), field="run")
    if to_run.starts_on <= enrolment.run.starts_on or to_run.pk == enrolment.run_id:
        raise ApplicationError(_("Choose a run that starts later than yours."), field="run")
    if to_run.status not in (Run.Status.OPEN, Run.Status.RUNNING):
        raise ApplicationError(_("That run is not open."), field="run")
    if RunCompletion.objects.filter(enrolment=enrolment).exists():
        raise ApplicationError(_("You have already completed this course."), field="run")
    repeat = {int(m) for m in repeat_modules}
    course_modules = set(to_run.course.modules.values_list("pk", flat=True))
    if repeat - course_modules:
        raise ApplicationError(_("Choose modules of this course to repeat."), field="repeat")

    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != Enrolment.Status.CONFIRMED:
            raise ApplicationError(_("This enrolment has already changed."), field="run")
        target = Enrolment.objects.filter(run=to_run, user_id=enrolment.user_id).first()
        if target is not None and target.status != Enrolment.Status.WITHDRAWN:
            raise ApplicationError(_("You are already enrolled in that run."), field="run")
        values = {name: getattr(locked, name) for name in COPIED_FIELDS}
        values.update(status=Enrolment.Status.CONFIRMED, confirmed_at=now, withdrawn_at=None)
        if target is None:
            target = Enrolment.objects.create(run=to_run, user_id=locked.user_id, **values)
        else:  # they had left that run before: take the row up again
            for name, value in values.items():
                setattr(target, name, value)
            target.save()
            Completion.objects.filter(enrolment=target).delete()
        kept = [
            Completion(
                enrolment=target,
                activity_id=c.activity_id,
                completed_at=c.completed_at,
                source=c.source,
            )
            for c in Completion.objects.filter(enrolment=locked).select_related("activity")
            if c.activity.module_id not in repeat
        ]
        Completion.objects.bulk_create(kept)
        locked.status = Enrolment.Status.WITHDRAWN
        locked.withdrawn_at = now
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        EnrolmentMove.objects.create(
            from_enrolment=locked,
            to_enrolment=target,
            repeated_modules=sorted(repeat),
            kept_completions=len(kept),
        )
        _leave_group(locked, now=now)
        _join_group(target)
        _roles_follow(locked, target)
        _plan_messages(locked.run, to_run, now=now)
    return target


def _leave_group(enrolment, *, now) -> None:
    from peerpath.grouping.models import GroupMembership
    from peerpath.meetings.services import meeting_series_create

    membership = GroupMembership.objects.select_related("group").filter(enrolment=enrolment).first()
    if membership is None:
        return
    group = membership.group
    membership.delete()
    if group.status == "published":
        meeting_series_create(group=group, now=now)  # the rotation goes on without them


def _join_group(enrolment) -> None:
    try:
        from peerpath.grouping.services import late_joiner_place
    except ImportError:  # grouping without late placement: formed with the run's groups
        return
    try:
        late_joiner_place(enrolment=enrolment)
    except ApplicationError:
        logger.info("enrolment %s moved but not placed yet", enrolment.pk)


def _roles_follow(old, new) -> None:
    from peerpath.accounts.models import RunRole

    if RunRole.objects.filter(run_id=old.run_id, user_id=old.user_id, role="learner").exists():
        RunRole.objects.get_or_create(run_id=new.run_id, user_id=new.user_id, role="learner")


def _plan_messages(old_run, new_run, *, now) -> None:
    try:
        from peerpath.messaging.planner import messages_plan_run
    except ImportError:
        return
    for run in (old_run, new_run):
        messages_plan_run(run=run, now=now)
