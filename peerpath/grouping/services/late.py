"""Late joiners: learners confirmed after the run's groups were published.

Each is placed into a published group of their language, with room, meeting at an hour they
can make (with their colleagues when those are in such a group; else where the group is
smallest), or held with a reason. When enough held learners share an hour, the solver forms
new published groups from them at once.

A learner whose seat the weekly repair released (`releasing`) waits here too, but is placed
only once they are active again: while they stay quiet they are neither placed nor held, nor
counted in new groups formed from the held."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, LateJoinerHold, SeatRelease, StudyGroup
from peerpath.grouping.solver import solve

from .activity import still_released
from .forming import enrolment_as_learner, run_rules
from .notify import group_intro_notify, meetings_follow


@dataclass(frozen=True)
class LatePlacement:
    """Where a late joiner ended up: a group, or held with the reason."""

    enrolment: Enrolment
    group: StudyGroup | None
    reason: str = ""

    @property
    def held(self) -> bool:
        return self.group is None


def _hold_reason(*, enrolment, rules, published) -> str:
    hours = set(enrolment.availability_utc) & set(rules.window)
    if not hours:
        return _("None of the hours you can make lies inside this run's meeting window.")
    same_language = [g for g in published if g.language == enrolment.language]
    if any(g.hour_utc in hours for g in same_language):
        return _(
            "Every group meeting at an hour you can make is full. You will be placed as soon "
            "as a place frees up or %(min)s learners who share an hour can start a new group."
        ) % {"min": rules.min_size}
    return _(
        "No group speaking %(language)s meets at an hour you can make yet. You will be placed "
        "as soon as %(min)s learners who share an hour can start a new group."
    ) % {"language": enrolment.language, "min": rules.min_size}


def late_joiner_place(*, enrolment) -> LatePlacement:
    """Place a confirmed late joiner, or hold them with a reason (see the module docstring)."""
    if enrolment.status != Enrolment.Status.CONFIRMED:
        raise ApplicationError(_("Only confirmed learners are placed in groups."))
    run = Run.objects.get(pk=enrolment.run_id)
    rules = run_rules(run=run)
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).first()  # placements one at a time
        existing = GroupMembership.objects.filter(enrolment=enrolment).select_related("group")
        if existing:
            return LatePlacement(enrolment=enrolment, group=existing[0].group)
        release = SeatRelease.objects.filter(enrolment=enrolment, returned_at__isnull=True).first()
        if release is not None:
            if enrolment.pk in still_released([enrolment]):
                return LatePlacement(enrolment=enrolment, group=None, reason=release.reason)
            # active again since the release: offered a group like any late joiner
            release.returned_at = timezone.now()
            release.save(update_fields=["returned_at", "updated_at"])
        published = list(
            StudyGroup.objects.filter(run=run, status=StudyGroup.Status.PUBLISHED).annotate(
                size=Count("memberships")
            )
        )
        hours = set(enrolment.availability_utc) & set(rules.window)
        fits = [
            g
            for g in published
            if g.language == enrolment.language and g.hour_utc in hours and g.size < rules.max_size
        ]
        if fits:
            colleague_groups = set()
            if enrolment.mode == Enrolment.Mode.WITH_COLLEAGUES and enrolment.organisation_id:
                colleague_groups = set(
                    GroupMembership.objects.filter(
                        group__in=fits,
                        enrolment__organisation_id=enrolment.organisation_id,
                        enrolment__mode=Enrolment.Mode.WITH_COLLEAGUES,
                    ).values_list("group_id", flat=True)
                )
            group = min(
                fits,
                key=lambda g: (
                    g.pk not in colleague_groups,
                    g.size >= rules.target_size,
                    g.size,
                    g.number,
                ),
            )
            membership = GroupMembership.objects.create(group=group, enrolment=enrolment)
            LateJoinerHold.objects.filter(enrolment=enrolment).delete()
            meetings_follow(groups=[group])
            group_intro_notify(run=run, memberships=[membership])
            return LatePlacement(enrolment=enrolment, group=group)
        reason = _hold_reason(enrolment=enrolment, rules=rules, published=published)
        LateJoinerHold.objects.update_or_create(enrolment=enrolment, defaults={"reason": reason})
        formed = _form_from_holds(run=run, rules=rules)
        if enrolment.pk in formed:
            return LatePlacement(enrolment=enrolment, group=formed[enrolment.pk])
        reason = LateJoinerHold.objects.get(enrolment=enrolment).reason
        return LatePlacement(enrolment=enrolment, group=None, reason=reason)


def _form_from_holds(*, run, rules) -> dict[int, StudyGroup]:
    """New published groups from the held learners, when enough share an hour."""
    held = list(
        Enrolment.objects.filter(
            grouping_hold__isnull=False,
            run=run,
            status=Enrolment.Status.CONFIRMED,
            membership__isnull=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    quiet = still_released(held)
    held = [e for e in held if e.pk not in quiet]
    if len(held) < rules.min_size:
        return {}
    solution = solve([enrolment_as_learner(e) for e in held], rules)
    if not solution.groups:
        return {}
    by_pk = {e.pk: e for e in held}
    number = (
        StudyGroup.objects.filter(run=run)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    placed: dict[int, StudyGroup] = {}
    memberships = []
    for solved in solution.groups:
        number += 1
        group = StudyGroup.objects.create(
            run=run,
            number=number,
            language=solved.language,
            hour_utc=solved.hour,
            status=StudyGroup.Status.PUBLISHED,
        )
        for member in solved.members:
            memberships.append(
                GroupMembership.objects.create(group=group, enrolment=by_pk[int(member)])
            )
            placed[int(member)] = group
    LateJoinerHold.objects.filter(enrolment_id__in=list(placed)).delete()
    meetings_follow(groups={g.pk: g for g in placed.values()}.values())
    group_intro_notify(run=run, memberships=memberships)
    return placed


def waiting_for_group(*, run) -> list[Enrolment]:
    """The run's confirmed learners without a group who may be given one: late joiners, held
    or not yet placed, and learners whose released seat they have come back for (not those
    still quiet since the release)."""
    waiting = list(
        Enrolment.objects.filter(
            run=run, status=Enrolment.Status.CONFIRMED, membership__isnull=True
        )
        .select_related("user")
        .order_by("pk")
    )
    quiet = still_released(waiting)
    return [e for e in waiting if e.pk not in quiet]


def late_joiners_place_run(*, run) -> dict[str, int]:
    """Place (or hold) every confirmed learner of a run with published groups who has no
    group yet, held ones included, but not those whose seat was released and who are still
    quiet; returns how many were placed and how many wait."""
    if not StudyGroup.objects.filter(run=run, status=StudyGroup.Status.PUBLISHED).exists():
        return {"placed": 0, "held": 0}
    waiting = waiting_for_group(run=run)
    for enrolment in waiting:
        if not GroupMembership.objects.filter(enrolment=enrolment).exists():
            late_joiner_place(enrolment=enrolment)
    placed = GroupMembership.objects.filter(enrolment__in=waiting).count()
    return {"placed": placed, "held": len(waiting) - placed}
