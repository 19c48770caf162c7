"""Staff moving a learner, or a colleague block, from one group to another of the same run.

`group_move_check` says what hard rule a move would break (shown at once on the page);
`group_move_members` refuses such a move and otherwise makes it, telling the learners when
their new group is published."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from .forming import run_rules
from .notify import group_changed_notify, meetings_follow


def colleague_block(*, enrolment) -> list[Enrolment]:
    """The learner and the colleagues who came with them and share their group."""
    membership = GroupMembership.objects.filter(enrolment=enrolment).first()
    if (
        membership is None
        or enrolment.mode != Enrolment.Mode.WITH_COLLEAGUES
        or not enrolment.organisation_id
    ):
        return [enrolment]
    return list(
        Enrolment.objects.filter(
            membership__group_id=membership.group_id,
            organisation_id=enrolment.organisation_id,
            mode=Enrolment.Mode.WITH_COLLEAGUES,
        )
        .select_related("user")
        .order_by("pk")
    )


def group_move_check(*, enrolments, to_group: StudyGroup) -> list[str]:
    """The hard rules the move would break, in plain words; empty when it may be made."""
    enrolments = list(enrolments)
    problems: list[str] = []
    rules = run_rules(run=to_group.run)
    current = dict(
        GroupMembership.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "group_id"
        )
    )
    moving = [e for e in enrolments if current.get(e.pk) != to_group.pk]
    if not moving:
        return [_("Already in group %(number)s.") % {"number": to_group.number}]
    for e in moving:
        if e.run_id != to_group.run_id:
            problems.append(_("%(name)s is in another run.") % {"name": e.user.name})
            continue
        if e.language != to_group.language:
            problems.append(
                _("%(name)s speaks %(language)s; group %(number)s speaks %(group_language)s.")
                % {
                    "name": e.user.name,
                    "language": e.language,
                    "number": to_group.number,
                    "group_language": to_group.language,
                }
            )
        if to_group.hour_utc not in set(e.availability_utc):
            problems.append(
                _("%(name)s cannot make the meeting hour of group %(number)s.")
                % {"name": e.user.name, "number": to_group.number}
            )
    size = GroupMembership.objects.filter(group=to_group).count()
    if size + len(moving) > rules.max_size:
        problems.append(
            _("Group %(number)s would have %(size)s members; at most %(max)s are allowed.")
            % {"number": to_group.number, "size": size + len(moving), "max": rules.max_size}
        )
    leaving: dict[int, int] = {}
    for e in moving:
        if e.pk in current:
            leaving[current[e.pk]] = leaving.get(current[e.pk], 0) + 1
    for source in StudyGroup.objects.filter(pk__in=leaving):
        left = GroupMembership.objects.filter(group=source).count() - leaving[source.pk]
        if 0 < left < rules.min_size:
            problems.append(
                _("Group %(number)s would keep %(left)s members; at least %(min)s are needed.")
                % {"number": source.number, "left": left, "min": rules.min_size}
            )
    return problems


def group_move_members(*, enrolments, to_group: StudyGroup) -> list[GroupMembership]:
    """Move learners (one, or a colleague block) into `to_group`, or refuse with the reasons."""
    enrolments = list(enrolments)
    with transaction.atomic():
        to_group = StudyGroup.objects.select_for_update().select_related("run").get(pk=to_group.pk)
        problems = group_move_check(enrolments=enrolments, to_group=to_group)
        if problems:
            raise ApplicationError(" ".join(problems), field="group")
        previous = dict(
            GroupMembership.objects.filter(enrolment__in=enrolments).values_list(
                "enrolment_id", "group_id"
            )
        )
        memberships = []
        for e in enrolments:
            membership, _created = GroupMembership.objects.update_or_create(
                enrolment=e, defaults={"group": to_group}
            )
            memberships.append(membership)
        touched = list(StudyGroup.objects.filter(pk__in={to_group.pk, *previous.values()}))
        emptied = [g for g in touched if not g.memberships.exists()]
        for g in emptied:
            if g.status == StudyGroup.Status.DRAFT:
                g.delete()
        meetings_follow(groups=[g for g in touched if g.pk and g not in emptied])
        group_changed_notify(
            moves=[(e, to_group, previous.get(e.pk)) for e in enrolments],
            run=to_group.run,
            operation=f"move-{uuid.uuid4().hex[:12]}",
        )
    return memberships


def group_move_member(*, enrolment, to_group: StudyGroup) -> GroupMembership:
    """Move one learner; see `group_move_members`."""
    return group_move_members(enrolments=[enrolment], to_group=to_group)[0]
