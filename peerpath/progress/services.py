"""Recording what learners have done, and what follows from it (run completion, badges)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.progress.models import Completion


def completion_mark_created(
    *, enrolment, activity, source: str = Completion.Source.SITE, now=None
) -> tuple[Completion, bool]:
    """Mark an activity done; returns (completion, created). Marking it again changes nothing.

    The run's completion rules are evaluated again in the same transaction."""
    if activity.module.course_id != enrolment.run.course_id:
        raise ApplicationError(_("That activity is not part of this course."), field="activity")
    existing = Completion.objects.filter(enrolment=enrolment, activity=activity).first()
    if existing:
        return existing, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                completion = Completion.objects.create(
                    enrolment=enrolment,
                    activity=activity,
                    source=source,
                    completed_at=now or timezone.now(),
                )
        except IntegrityError:  # a concurrent click got there first
            return Completion.objects.get(enrolment=enrolment, activity=activity), False
        _evaluate_later(enrolment.pk)
    return completion, True


def completion_mark(
    *, enrolment, activity, source: str = Completion.Source.SITE, now=None
) -> Completion:
    """Mark an activity done for a learner; marking it again changes nothing."""
    return completion_mark_created(
        enrolment=enrolment, activity=activity, source=source, now=now
    )[0]


def completion_unmark(*, enrolment, activity) -> bool:
    """Remove a completion; returns whether there was one."""
    with transaction.atomic():
        deleted, _detail = Completion.objects.filter(
            enrolment=enrolment, activity=activity
        ).delete()
        if deleted:
            _evaluate_later(enrolment.pk)
    return bool(deleted)


def _evaluate_later(enrolment_id: int) -> None:
    """Evaluate the run's completion rules for the learner, in the transaction of the change
    (so a completion, its badge and its mail are written together or not at all)."""
    from peerpath.progress.completion import run_completion_evaluate_enrolment

    run_completion_evaluate_enrolment(enrolment_id=enrolment_id)
