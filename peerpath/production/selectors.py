"""Reads for production: who holds which role, the facts the workflow guards need, the board."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from peerpath.courses.models import Run
from peerpath.production import plan, workflow
from peerpath.production.models import (
    Assessment,
    AssessmentCriterion,
    Booking,
    FeedbackRound,
    Milestone,
    ProductionRole,
    Programme,
    ProgrammeGroup,
    Proposal,
    TransitionLog,
)

SITE_WIDE_VIEWERS = set(workflow.Role.ALL) - {workflow.Role.INSTRUCTOR}


def production_roles_site(*, user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        ProductionRole.objects.filter(user=user, proposal__isnull=True).values_list(
            "role", flat=True
        )
    )


def production_roles_for(*, user, proposal: Proposal) -> set[str]:
    """Site-wide roles and roles on this proposal; its proposer and co-instructors are its
    instructors (and so never its committee members)."""
    if not user.is_authenticated:
        return set()
    roles = set(
        ProductionRole.objects.filter(user=user)
        .filter(Q(proposal__isnull=True) | Q(proposal=proposal))
        .values_list("role", flat=True)
    )
    roles.discard(workflow.Role.INSTRUCTOR)  # instructor of *this* proposal only, below
    if proposal.proposer_id == user.pk or proposal.co_instructors.filter(pk=user.pk).exists():
        roles.add(workflow.Role.INSTRUCTOR)
    elif ProductionRole.objects.filter(
        user=user, proposal=proposal, role=workflow.Role.INSTRUCTOR
    ).exists():
        roles.add(workflow.Role.INSTRUCTOR)
    if workflow.Role.INSTRUCTOR in roles:  # nobody judges their own proposal
        roles.discard(workflow.Role.COMMITTEE_MEMBER)
    if (
        proposal.programme_group_id is not None
        and ProgrammeGroup.objects.filter(
            group_id=proposal.programme_group_id, designer=user
        ).exists()
    ):
        roles.add(workflow.Role.DESIGNER)  # the designer of the group that produces it
    return roles


def programme_group_member(*, user, group) -> bool:
    return (
        user.is_authenticated
        and group is not None
        and group.memberships.filter(enrolment__user=user).exists()
    )


def access_proposal_view(*, user, proposal: Proposal) -> bool:
    """Staff, site-wide production roles, the proposal's own people, and the members of the
    programme group that produces it (who give one another peer feedback)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or production_roles_site(user=user) & SITE_WIDE_VIEWERS:
        return True
    if bool(production_roles_for(user=user, proposal=proposal)):
        return True
    return proposal.programme_group_id is not None and programme_group_member(
        user=user, group=proposal.programme_group
    )


def access_programme_manage(*, user) -> bool:
    """Staff and e-learning consultants organise programmes and assign their designers."""
    return user.is_authenticated and (
        user.is_staff or workflow.Role.CONSULTANT in production_roles_site(user=user)
    )


def programme_list_for(*, user):
    """Every programme for organisers and site-wide roles; else those the user takes part in."""
    programmes = Programme.objects.select_related("run__course").order_by("-production_starts_on")
    if access_programme_manage(user=user) or access_board(user=user):
        return programmes
    return programmes.filter(Q(run__enrolments__user=user) | Q(groups__designer=user)).distinct()


def programme_get(*, pk: int) -> Programme:
    return Programme.objects.select_related("run__course").get(pk=pk)


def access_programme_view(*, user, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    if access_programme_manage(user=user) or access_board(user=user):
        return True
    return (
        programme.run.enrolments.filter(user=user).exists()
        or programme.groups.filter(designer=user).exists()
    )


def programme_phase(*, programme: Programme, today: dt.date) -> str:
    """ "workshops" before the production phase starts, "production" from then, "closed" after."""
    if programme.run.status == Run.Status.CLOSED:
        return "closed"
    if today < programme.run.starts_on:
        return "not_started"
    return "workshops" if today < programme.production_starts_on else "production"


def programme_groups(*, programme: Programme) -> list[dict]:
    """Each study group of the programme's run with its members, designer and proposals."""
    from peerpath.grouping.selectors import group_list, group_members

    links = {
        link.group_id: link
        for link in ProgrammeGroup.objects.filter(programme=programme).select_related("designer")
    }
    proposals: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in Proposal.objects.filter(programme_group__run=programme.run).select_related(
        "proposer"
    ):
        proposals[proposal.programme_group_id].append(proposal)
    return [
        {
            "group": group,
            "members": [e.user for e in group_members(group=group)],
            "designer": links[group.pk].designer if group.pk in links else None,
            "proposals": proposals.get(group.pk, []),
        }
        for group in group_list(run=programme.run).order_by("number")
    ]


def programme_groups_of(*, user, programme: Programme) -> list:
    """The programme's groups `user` is a member of (normally one)."""
    from peerpath.grouping.models import StudyGroup

    return list(StudyGroup.objects.filter(run=programme.run, memberships__enrolment__user=user))


def access_board(*, user) -> bool:
    return user.is_authenticated and (
        user.is_staff or bool(production_roles_site(user=user) & SITE_WIDE_VIEWERS)
    )


def criterion_list_active():
    return AssessmentCriterion.objects.filter(active=True)


def assessment_count_complete(*, proposal: Proposal) -> int:
    """Reviewers of the current round who scored every active criterion."""
    active = set(criterion_list_active().values_list("pk", flat=True))
    if not active:
        return 0
    scored: dict[int, set[int]] = defaultdict(set)
    for reviewer, criterion in Assessment.objects.filter(
        proposal=proposal, round=proposal.round
    ).values_list("reviewer_id", "criterion_id"):
        scored[reviewer].add(criterion)
    return sum(1 for criteria in scored.values() if active <= criteria)


def assessment_list(*, proposal: Proposal, round: int | None = None):
    rows = Assessment.objects.filter(proposal=proposal).select_related("reviewer", "criterion")
    return rows.filter(round=round) if round is not None else rows


def proposal_facts(*, proposal: Proposal, note: str = "") -> workflow.Facts:
    pilot = proposal.pilot_run
    pilot_ok = (
        pilot is not None and pilot.kind == Run.Kind.SPOC and pilot.course_id == proposal.course_id
    )
    return workflow.Facts(
        proposal_complete=not proposal.missing_for_submission(),
        assessments=assessment_count_complete(proposal=proposal),
        reasons_given=bool(note.strip()),
        milestones_planned=proposal.milestones.exists(),
        pilot_run_linked=pilot_ok,
        pilot_run_closed=pilot_ok and pilot.status == Run.Status.CLOSED,
    )


def proposal_list_for(*, user):
    """The board: every production for site-wide roles and staff, else the user's own."""
    today = timezone.localdate()
    proposals = (
        Proposal.objects.select_related("proposer", "course")
        .annotate(
            n_milestones=Count("milestones", distinct=True),
            n_done=Count("milestones", filter=Q(milestones__done_at__isnull=False), distinct=True),
            n_overdue=Count(
                "milestones",
                filter=Q(milestones__done_at__isnull=True, milestones__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("status", "-updated_at")
    )
    if access_board(user=user):
        return proposals
    return proposals.filter(Q(proposer=user) | Q(co_instructors=user)).distinct()


def proposal_get(*, pk: int) -> Proposal:
    return Proposal.objects.select_related("proposer", "course", "based_on", "pilot_run").get(pk=pk)


def transition_log(*, proposal: Proposal):
    return TransitionLog.objects.filter(proposal=proposal).select_related("actor")


def milestone_list(*, proposal: Proposal):
    return Milestone.objects.filter(proposal=proposal).select_related("owner")


def milestone_list_overdue(*, today: dt.date) -> list[Milestone]:
    open_ones = Milestone.objects.filter(done_at__isnull=True, due_on__lt=today)
    return [
        m
        for m in open_ones.select_related("proposal", "owner")
        if plan.is_overdue(plan.MilestoneFacts(m.pk, m.due_on, False), today=today)
    ]


def consultants_of(*, proposal: Proposal):
    """The proposal's own consultants, or every site-wide consultant when it has none."""
    own = ProductionRole.objects.filter(proposal=proposal, role=workflow.Role.CONSULTANT)
    if own.exists():
        return [r.user for r in own.select_related("user")]
    site = ProductionRole.objects.filter(proposal__isnull=True, role=workflow.Role.CONSULTANT)
    return [r.user for r in site.select_related("user")]


def committee_members():
    return [
        r.user
        for r in ProductionRole.objects.filter(
            proposal__isnull=True, role=workflow.Role.COMMITTEE_MEMBER
        ).select_related("user")
    ]


def feedback_history(*, proposal: Proposal):
    from peerpath.production.models import FeedbackComment

    return (
        FeedbackRound.objects.filter(proposal=proposal)
        .select_related("reviewer", "module")
        .prefetch_related(
            Prefetch(
                "comments", queryset=FeedbackComment.objects.select_related("author", "resolved_by")
            )
        )
    )


def booking_list(*, proposal: Proposal):
    return Booking.objects.filter(proposal=proposal).select_related("resource")


def booking_cost_summary(*, proposal: Proposal) -> dict:
    """Hours and cost per resource and in total for one production."""
    per_resource: dict[str, dict] = {}
    total = Decimal("0.00")
    for booking in booking_list(proposal=proposal):
        row = per_resource.setdefault(
            booking.resource.name,
            {
                "hours": Decimal("0.00"),
                "cost": Decimal("0.00"),
                "currency": booking.resource.currency,
            },
        )
        row["hours"] += booking.hours
        row["cost"] += booking.cost
        total += booking.cost
    return {"resources": per_resource, "total": total}


def launched_courses_with_reviews():
    """Courses with a public run that has opened, each with its semester reviews."""
    from peerpath.courses.models import Course
    from peerpath.production.models import SemesterReview

    launched = Run.objects.filter(kind=Run.Kind.MOOC).exclude(status=Run.Status.DRAFT)
    return (
        Course.objects.filter(pk__in=launched.values("course_id"))
        .prefetch_related(
            Prefetch(
                "semester_reviews",
                queryset=SemesterReview.objects.select_related("reviewed_by"),
            )
        )
        .order_by("title")
    )
