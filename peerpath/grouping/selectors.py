"""Reading study groups, and measuring the run's current groups with the solver's report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from peerpath.grouping.models import (
    GroupingJob,
    GroupingResult,
    GroupMembership,
    LateJoinerHold,
    RepairProposal,
    SeatRelease,
    StudyGroup,
)


def group_for_enrolment(*, enrolment) -> StudyGroup | None:
    membership = GroupMembership.objects.select_related("group").filter(enrolment=enrolment).first()
    return membership.group if membership else None


def group_members(*, group) -> list:
    return [
        m.enrolment
        for m in group.memberships.select_related(
            "enrolment__user", "enrolment__organisation"
        ).order_by("enrolment_id")
    ]


def group_list(*, run):
    return StudyGroup.objects.filter(run=run).prefetch_related("memberships")


def group_get(*, run, number: int) -> StudyGroup | None:
    return StudyGroup.objects.select_related("run").filter(run=run, number=number).first()


def grouping_latest(*, run) -> GroupingResult | None:
    return GroupingResult.objects.filter(run=run).order_by("-created_at").first()


def grouping_job_latest(*, run) -> GroupingJob | None:
    return GroupingJob.objects.filter(run=run).order_by("-created_at", "-pk").first()


def repair_latest(*, run) -> RepairProposal | None:
    return RepairProposal.objects.filter(run=run).order_by("-created_at", "-pk").first()


def late_joiner_holds(*, run):
    return (
        LateJoinerHold.objects.filter(enrolment__run=run, enrolment__membership__isnull=True)
        .select_related("enrolment__user")
        .order_by("created_at")
    )


def seat_releases(*, run):
    """Learners whose seat a repair released and who have not been offered a group again."""
    return (
        SeatRelease.objects.filter(
            enrolment__run=run, returned_at__isnull=True, enrolment__membership__isnull=True
        )
        .select_related("enrolment__user", "group")
        .order_by("released_at", "pk")
    )


@dataclass(frozen=True)
class GroupRow:
    group: StudyGroup
    size: int
    score: float
    hard_ok: bool
    common_hours: int


@dataclass(frozen=True)
class RunGroupsReport:
    """The quality report of the run's groups as they stand (after any manual moves), and
    one row per group with its score."""

    report: object  # solver QualityReport
    rows: list[GroupRow]


def groups_report(*, run) -> RunGroupsReport:
    """Measure the run's current groups with the solver's independent checker."""
    import time

    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.services import enrolment_as_learner, run_rules
    from peerpath.grouping.solver import Group, LearnerTable, Unassigned
    from peerpath.grouping.solver.engine import evaluate, groups_to_arrays
    from peerpath.grouping.solver.quality import group_measures, viable_learners

    started = time.perf_counter()
    rules = run_rules(run=run)
    enrolments = list(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).order_by("pk")
    )
    learners = [enrolment_as_learner(e) for e in enrolments]
    confirmed = {e.pk for e in enrolments}
    groups = list(
        StudyGroup.objects.filter(run=run).annotate(size=Count("memberships")).order_by("number")
    )
    members: dict[int, list[str]] = {g.pk: [] for g in groups}
    for group_id, enrolment_id in GroupMembership.objects.filter(group__run=run).values_list(
        "group_id", "enrolment_id"
    ):
        if enrolment_id in confirmed:
            members[group_id].append(str(enrolment_id))
    solver_groups = [
        Group(id=g.number, hour=g.hour_utc, members=members[g.pk], language=g.language)
        for g in groups
    ]
    placed = {m for ms in members.values() for m in ms}
    reasons = {
        str(item["enrolment"]): item["reason"]
        for item in (grouping_latest(run=run).unassigned if grouping_latest(run=run) else [])
    }
    reasons.update(
        {str(h.enrolment_id): h.reason for h in LateJoinerHold.objects.filter(enrolment__run=run)}
    )
    reasons.update(
        {str(r.enrolment_id): r.reason for r in SeatRelease.objects.filter(enrolment__run=run)}
    )
    unassigned = [
        Unassigned(id=learner.id, reason=reasons.get(learner.id, "not grouped yet"))
        for learner in learners
        if learner.id not in placed
    ]
    table = LearnerTable.from_learners(learners)
    viable, _reason = viable_learners(table, rules)
    report = evaluate(
        learners,
        rules,
        solver_groups,
        unassigned,
        method="current groups",
        lower_bound=int((~viable).sum()),
        started=started,
        table=table,
    )
    measures = group_measures(table, rules, *groups_to_arrays(table, solver_groups))
    rows = [
        GroupRow(
            group=g,
            size=len(members[g.pk]),
            score=float(measures.score[i]),
            hard_ok=bool(measures.hard_ok[i]),
            common_hours=int(measures.common_hours[i]),
        )
        for i, g in enumerate(groups)
    ]
    return RunGroupsReport(report=report, rows=rows)
