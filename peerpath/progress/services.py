"""Recording what learners have done."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.progress.models import Completion


def completion_mark(
    *, enrolment, activity, source: str = Completion.Source.SITE, now=None
) -> Completion:
    """Mark an activity done for a learner; marking it again changes nothing."""
    if activity.module.course_id != enrolment.run.course_id:
        raise ApplicationError(_("That activity is not part of this course."), field="activity")
    existing = Completion.objects.filter(enrolment=enrolment, activity=activity).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Completion.objects.create(
                enrolment=enrolment,
                activity=activity,
                source=source,
                completed_at=now or timezone.now(),
            )
    except IntegrityError:  # a concurrent click got there first
        return Completion.objects.get(enrolment=enrolment, activity=activity)


def completion_unmark(*, enrolment, activity) -> None:
    Completion.objects.filter(enrolment=enrolment, activity=activity).delete()
