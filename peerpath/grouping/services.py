"""Forming, publishing and amending a run's study groups.

Adapter around the pure solver: selector → plain Learner objects → solve → persist in one
transaction → side effects (meetings, messages) on publish.
"""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupingResult, GroupMembership, StudyGroup
from peerpath.grouping.solver import Learner, Rules, solve

HOURS_PER_WEEK = 168


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


def groups_form(*, run, seed: int = 0) -> GroupingResult:
    """Form draft groups for every confirmed learner not in a locked or published group.

    Draft groups of an earlier formation are replaced; locked and published groups stay."""
    rules = run_rules(run=run)
    with transaction.atomic():
        kept = StudyGroup.objects.filter(run=run).exclude(status=StudyGroup.Status.DRAFT)
        placed = set(
            GroupMembership.objects.filter(group__in=kept).values_list("enrolment_id", flat=True)
        )
        StudyGroup.objects.filter(run=run, status=StudyGroup.Status.DRAFT).delete()
        enrolments = [
            e
            for e in Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED)
            if e.pk not in placed
        ]
        solution = solve([enrolment_as_learner(e) for e in enrolments], rules, seed=seed)
        next_number = (max(kept.values_list("number", flat=True), default=0)) + 1
        groups = []
        for offset, group in enumerate(solution.groups):
            groups.append(
                StudyGroup(
                    run=run,
                    number=next_number + offset,
                    language=group.language,
                    hour_utc=group.hour,
                )
            )
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
        report = solution.report.to_dict() if hasattr(solution.report, "to_dict") else {}
        return GroupingResult.objects.create(
            run=run,
            seed=seed,
            report=report,
            unassigned=[{"enrolment": int(u.id), "reason": u.reason} for u in solution.unassigned],
        )


def groups_lock(*, run) -> int:
    return StudyGroup.objects.filter(run=run, status=StudyGroup.Status.DRAFT).update(
        status=StudyGroup.Status.LOCKED
    )


def groups_publish(*, run) -> int:
    """Publish draft and locked groups: schedule their meetings and tell every member."""
    from peerpath.meetings.services import meeting_series_for_run
    from peerpath.messaging.services import outbox_enqueue_many

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
        outbox_enqueue_many(
            [
                {
                    "key": f"group_intro:{m.group_id}:{m.enrolment_id}",
                    "kind": "group_intro",
                    "run": run,
                    "recipient": m.enrolment.user,
                    "context": {"group": m.group_id, "enrolment": m.enrolment_id},
                }
                for m in members
            ]
        )
        return len(to_publish)


def group_move_member(*, enrolment, to_group) -> GroupMembership:
    """Move a learner to another group of the same run, if that group's hour suits them."""
    if to_group.run_id != enrolment.run_id:
        raise ApplicationError(_("That group belongs to another run."), field="group")
    if to_group.hour_utc not in set(enrolment.availability_utc):
        raise ApplicationError(
            _("%(name)s cannot make the meeting hour of group %(number)s.")
            % {"name": enrolment.user.name, "number": to_group.number},
            field="group",
        )
    if to_group.language != enrolment.language:
        raise ApplicationError(_("That group speaks another language."), field="group")
    with transaction.atomic():
        membership, _created = GroupMembership.objects.update_or_create(
            enrolment=enrolment, defaults={"group": to_group}
        )
    return membership
