"""What the main menu offers a signed-in person, from the roles they hold.

A learner sees their courses; run staff (instructors, facilitators, tutors) their runs; people
who make courses the productions; the study board its semester report; facilitators their
visits; site staff the outbox and the admin. Worked out once per request, in two queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from peerpath.accounts.access import STAFF_ROLES
from peerpath.accounts.models import RunRole, User

_CACHE_ATTR = "_peerpath_menu"
STUDY_BOARD = "study_board"  # the production role that reads the semester report


@dataclass(frozen=True)
class Menu:
    runs: bool = False  # the staff run hub
    productions: bool = False
    report: bool = False  # the study board's semester report
    visits: bool = False  # a facilitator's own visits
    site_staff: bool = False  # the site-wide outbox and the admin


def _exists_for_user(queryset, field: str = "user"):
    return Exists(queryset.filter(**{field: OuterRef("pk")}))


def _role_flags(user) -> dict[str, bool]:
    """In one query: does the user make courses (a production role anywhere, a proposal of
    theirs or with them as co-instructor, a milestone they own, a programme group they design
    for, a production programme they take part in), sit on the study board, or visit groups."""
    annotations = {}
    try:
        from peerpath.production.models import (
            Milestone,
            ProductionRole,
            ProgrammeGroup,
            Proposal,
        )
    except ImportError:
        pass
    else:
        annotations["maker"] = (
            _exists_for_user(ProductionRole.objects.all())
            | _exists_for_user(Proposal.objects.all(), "proposer")
            | _exists_for_user(Proposal.co_instructors.through.objects.all())
            | _exists_for_user(Milestone.objects.all(), "owner")
            | _exists_for_user(ProgrammeGroup.objects.all(), "designer")
            | _exists_for_user(RunRole.objects.filter(run__production_programme__isnull=False))
        )
        annotations["board"] = _exists_for_user(
            ProductionRole.objects.filter(proposal__isnull=True, role=STUDY_BOARD)
        )
    try:
        from peerpath.meetings.models import Meeting
    except ImportError:
        pass
    else:
        annotations["visitor"] = _exists_for_user(Meeting.objects.all(), "facilitator")
    if not annotations:
        return {}
    return User.objects.filter(pk=user.pk).annotate(**annotations).values(*annotations).first()


def menu_for_user(user) -> Menu:
    if user is None or not user.is_authenticated:
        return Menu()
    roles = set(
        RunRole.objects.filter(user=user, role__in=STAFF_ROLES)
        .order_by()
        .values_list("role", flat=True)
        .distinct()
    )
    flags = _role_flags(user) or {}
    return Menu(
        runs=user.is_staff or bool(roles),
        productions=user.is_staff
        or RunRole.Role.INSTRUCTOR in roles  # course teams make the courses
        or bool(flags.get("maker")),
        report=user.is_staff or bool(flags.get("board")),
        visits=RunRole.Role.FACILITATOR in roles or bool(flags.get("visitor")),
        site_staff=user.is_staff,
    )


def menu_for(request) -> Menu:
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = menu_for_user(getattr(request, "user", None))
        setattr(request, _CACHE_ATTR, cached)
    return cached
