"""Reads about enrolments and the runs people sign up for."""

from django.db.models import Count, QuerySet

from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment, Organisation


def enrolment_get_for_user(*, run, user) -> Enrolment | None:
    """The user's enrolment in the run, whatever its status, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Enrolment.objects.filter(run=run, user=user).select_related("organisation").first()


def enrolment_list_active(*, run) -> QuerySet[Enrolment]:
    """The confirmed learners of a run — the ones grouping places and messages reach."""
    return (
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED)
        .select_related("user", "organisation")
        .order_by("confirmed_at", "id")
    )


def enrolment_list_waitlisted(*, run) -> QuerySet[Enrolment]:
    """The waiting list of a run, first come first served."""
    return Enrolment.objects.filter(run=run, status=Enrolment.Status.WAITLISTED).order_by(
        "confirmed_at", "id"
    )


def enrolment_list_for_user(*, user) -> QuerySet[Enrolment]:
    """A person's enrolments that are not withdrawn, newest run first."""
    return (
        Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("run", "run__course", "organisation")
        .order_by("-run__starts_on", "run__title")
    )


def run_seats_left(*, run) -> int | None:
    """Free places in a run; None when it has no capacity limit."""
    if run.capacity is None:
        return None
    taken = Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).count()
    return max(0, run.capacity - taken)


def run_get_for_signup(*, slug: str) -> Run | None:
    """The run behind a sign-up page, with its course, or None."""
    return Run.objects.select_related("course").filter(slug=slug).first()


def run_module_list(*, run) -> list:
    """The course's modules (the run's weeks), in order."""
    return list(run.course.modules.order_by("position"))


def run_week_count(*, run) -> int:
    """How many weeks the run lasts: one per module, at least one."""
    return max(1, run.course.modules.count())


def run_organisation_list(*, run) -> QuerySet[Organisation]:
    """The organisations whose people may join; empty when anyone may."""
    return run.organisations.order_by("name")


def run_enrolment_counts(*, run) -> dict[str, int]:
    """Enrolments per status, every status present."""
    counts = dict.fromkeys(Enrolment.Status.values, 0)
    rows = Enrolment.objects.filter(run=run).values("status").annotate(n=Count("id"))
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
