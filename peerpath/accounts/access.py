"""Who may see and do what in a run. Every view asks one of these before acting."""

from peerpath.accounts.models import RunRole

STAFF_ROLES = {RunRole.Role.INSTRUCTOR, RunRole.Role.FACILITATOR, RunRole.Role.TUTOR}


def run_roles(user, run) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(RunRole.objects.filter(run=run, user=user).values_list("role", flat=True))


def access_run_staff(user, run) -> bool:
    """Instructors, facilitators and tutors of the run, and site staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(run_roles(user, run) & STAFF_ROLES)


def access_run_manage(user, run) -> bool:
    """Instructors of the run and site staff may form groups, import learners, edit messages."""
    if not user.is_authenticated:
        return False
    return user.is_staff or RunRole.Role.INSTRUCTOR in run_roles(user, run)


def access_group_details(user, group) -> bool:
    """A learner sees only their own group's members and details; run staff see all groups."""
    if not user.is_authenticated:
        return False
    if access_run_staff(user, group.run):
        return True
    return group.memberships.filter(enrolment__user=user).exists()


def access_enrolment(user, enrolment) -> bool:
    if not user.is_authenticated:
        return False
    return enrolment.user_id == user.pk or access_run_staff(user, enrolment.run)
