"""The weekly repair of a run's published groups as learners go quiet.

Who is active comes from `activity` (a learner is active when their last activity, or their
confirmation, is more recent than the run's `quiet_after_days`). The pure `solver.repair`
proposes the moves, with quiet members giving up their seats when an active learner needs one
(`release_quiet`, the longest quiet first); staff see the proposal with its disruption figures
and apply it, or the weekly task applies it when the run says so. Applying creates the new
groups, moves the learners, ends the released learners' memberships with the reason
(`releasing`), brings the meetings up to date, cancels the future meetings of the groups the
repair leaves without an active member (through `peerpath.meetings.services.meeting_cancel`,
which tells the members left), and tells each moved and each released learner — all in one
transaction, refused without writing when the groups changed since the proposal. The repair is
told how many of the run's weeks follow (`run_weeks_left`): at the last, it repairs for that
week alone. While a week's repair moves fewer than the run's `merge_ahead_percent` of its active
learners, groups at the thin line are merged into free seats at their own hour ahead of need.
Active learners of the run without a group (late joiners, learners back after a released seat:
`late.waiting_for_group`) take part too: the repair may seat them in a thin group or a new one,
and they are welcomed to it (`group_intro`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from peerpath.enrollment.selectors import run_week_count
from peerpath.grouping.models import (
    GroupingSettings,
    GroupMembership,
    LateJoinerHold,
    RepairProposal,
    SeatRelease,
    StudyGroup,
)
from peerpath.grouping.solver import LearnerTable
from peerpath.grouping.solver.repair import repair

from .activity import is_active, last_activity, quiet_days
from .forming import enrolment_as_learner, run_rules
from .late import waiting_for_group
from .notify import group_changed_notify, group_intro_notify, meetings_follow
from .releasing import seats_release

# merging ahead moves learners who would otherwise keep their group this week: a run may allow
# it up to a quarter of its active learners a week
MERGE_AHEAD_MAX = 25


def grouping_settings_get(*, run) -> GroupingSettings:
    """The run's grouping settings, or the defaults (unsaved) when it has none."""
    return GroupingSettings.objects.filter(run=run).first() or GroupingSettings(run=run)


def grouping_settings_update(
    *,
    run,
    thin_below: int,
    quiet_after_days: int,
    repair_auto_apply: bool,
    merge_ahead_percent: int | None = None,
) -> GroupingSettings:
    """Save the run's repair settings; `merge_ahead_percent` None keeps the current one."""
    rules = run_rules(run=run)
    if not 2 <= thin_below <= rules.min_size:
        raise ApplicationError(
            _("A thin group must be defined as fewer than 2 to %(min)s active members.")
            % {"min": rules.min_size},
            field="thin_below",
        )
    if not 1 <= quiet_after_days <= 120:
        raise ApplicationError(_("Quiet after: choose 1 to 120 days."), field="quiet_after_days")
    if merge_ahead_percent is None:
        merge_ahead_percent = grouping_settings_get(run=run).merge_ahead_percent
    if not 0 <= merge_ahead_percent <= MERGE_AHEAD_MAX:
        raise ApplicationError(
            _("Merge ahead: choose 0 to %(max)s percent of active learners a week.")
            % {"max": MERGE_AHEAD_MAX},
            field="merge_ahead_percent",
        )
    settings, _created = GroupingSettings.objects.update_or_create(
        run=run,
        defaults={
            "thin_below": thin_below,
            "quiet_after_days": quiet_after_days,
            "repair_auto_apply": repair_auto_apply,
            "merge_ahead_percent": merge_ahead_percent,
        },
    )
    return settings


def run_weeks_left(*, run, now: dt.datetime) -> int | None:
    """How many weeks of the run (one per module, each from local midnight of its first day)
    begin after the week `now` falls in: the weekly repairs still to come after this one. Before
    the run starts every week is still to come; after its last week, 0. None for a run in
    rolling waves, which has no one last week."""
    if run.pace != Run.Pace.COHORT:
        return None
    today = now.astimezone(ZoneInfo(run.timezone)).date()
    week = max(0, (today - run.starts_on).days // 7 + 1)
    return max(0, run_week_count(run=run) - week)


def repair_propose(*, run, now: dt.datetime | None = None) -> RepairProposal:
    """Propose this week's repair of the run's published groups (nothing moves yet)."""
    now = now or timezone.now()
    settings = grouping_settings_get(run=run)
    rules = run_rules(run=run)
    groups = list(
        StudyGroup.objects.filter(run=run, status=StudyGroup.Status.PUBLISHED).order_by("pk")
    )
    if not groups:
        raise ApplicationError(_("There are no published groups to repair."))
    memberships = list(
        GroupMembership.objects.filter(
            group__in=groups, enrolment__status=Enrolment.Status.CONFIRMED
        )
        .select_related("enrolment__user")
        .order_by("enrolment_id")
    )
    members = [m.enrolment for m in memberships]
    waiting = waiting_for_group(run=run)
    latest = last_activity(members + waiting)
    since = now - dt.timedelta(days=settings.quiet_after_days)
    # active learners without a group join the repair's orphans: they may fill a thin group
    waiting = [e for e in waiting if is_active(e, latest.get(e.pk), since)]
    enrolments = members + waiting
    active = np.asarray([is_active(e, latest.get(e.pk), since) for e in enrolments], bool)
    days = np.asarray([quiet_days(e, latest.get(e.pk), now) for e in enrolments], np.int64)
    index = {g.pk: i for i, g in enumerate(groups)}
    group_of = np.asarray([index[m.group_id] for m in memberships] + [-1] * len(waiting), np.int64)
    had = group_of >= 0
    table = LearnerTable.from_learners([enrolment_as_learner(e) for e in enrolments])
    weeks_left = run_weeks_left(run=run, now=now)
    result = repair(
        table,
        rules,
        group_of,
        np.asarray([g.hour_utc for g in groups], np.int64),
        active,
        thin=settings.thin_below,
        seed=run.pk,
        release_quiet=True,
        quiet_days=days,
        weeks_left=weeks_left,
        merge_ahead_share=settings.merge_ahead_percent / 100,
    )
    new_groups = []
    for k in range(len(groups), len(result.group_hour)):
        first = int(np.flatnonzero(result.group_of == k)[0])
        new_groups.append(
            {"language": enrolments[first].language, "hour_utc": int(result.group_hour[k])}
        )

    def label(g: int):
        if g < 0:
            return None
        return groups[g].pk if g < len(groups) else f"new:{g - len(groups)}"

    after = np.bincount(
        result.group_of[active & (result.group_of >= 0)], minlength=len(result.group_hour)
    )
    before = np.bincount(group_of[active & had], minlength=len(groups))
    emptied = [groups[g].pk for g in range(len(groups)) if before[g] > 0 and after[g] == 0]
    changes = [
        {
            "enrolment": enrolments[i].pk,
            "from_group": label(int(group_of[i])),
            "to_group": label(int(result.group_of[i])),
        }
        for i in np.flatnonzero(active & (result.group_of != group_of)).tolist()
    ]
    released = [
        {
            "enrolment": enrolments[i].pk,
            "from_group": groups[int(group_of[i])].pk,
            "quiet_days": int(days[i]),
        }
        for i in np.flatnonzero(~active & (result.group_of < 0)).tolist()
    ]
    # seats of the old groups learners join, as counted now: applying is refused if more
    # members arrive meanwhile (a late joiner, a staff move), so no group ends up over full
    receiving = sorted(
        {c["to_group"] for c in changes if isinstance(c["to_group"], int)}
        | {r["from_group"] for r in released}
    )
    seats = np.bincount(group_of[had], minlength=len(groups))
    with transaction.atomic():
        RepairProposal.objects.filter(run=run, status=RepairProposal.Status.PROPOSED).update(
            status=RepairProposal.Status.STALE
        )
        return RepairProposal.objects.create(
            run=run,
            active=int((active & had).sum()),
            figures={
                **result.to_dict(),
                "emptied_groups": emptied,
                "weeks_left": weeks_left,
                "seats_before": {str(pk): int(seats[index[pk]]) for pk in receiving},
            },
            changes=changes,
            new_groups=new_groups,
            released=released,
        )


def repair_apply(*, proposal: RepairProposal) -> RepairProposal:
    """Apply a proposal: new groups, moves, meetings, messages. Refused when the groups have
    changed since it was made (nothing is written then)."""
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=proposal.run_id).first()
        proposal = (
            RepairProposal.objects.select_for_update().select_related("run").get(pk=proposal.pk)
        )
        run = proposal.run
        if proposal.status != RepairProposal.Status.PROPOSED:
            raise ApplicationError(
                _("This repair is %(status)s; only a proposed repair can be applied.")
                % {"status": proposal.get_status_display().lower()}
            )
        stale = _is_stale(proposal=proposal, run=run)
        if not stale:
            _apply_changes(proposal=proposal, run=run)
    if stale:
        RepairProposal.objects.filter(pk=proposal.pk).update(status=RepairProposal.Status.STALE)
        raise ApplicationError(
            _("The groups have changed since this repair was proposed; propose it again.")
        )
    proposal.refresh_from_db()
    return proposal


def _is_stale(*, proposal: RepairProposal, run) -> bool:
    """Whether the groups changed since the proposal in a way that matters: a learner it
    moves or releases is no longer where it found them, a learner it releases has been active
    since, or a group learners join has more members than it counted."""
    rows = proposal.changes + proposal.released
    current = dict(
        GroupMembership.objects.filter(enrolment_id__in=[r["enrolment"] for r in rows]).values_list(
            "enrolment_id", "group_id"
        )
    )
    if any(current.get(r["enrolment"]) != r["from_group"] for r in rows):
        return True
    joining = [c["enrolment"] for c in proposal.changes if c["from_group"] is None]
    if (
        joining
        and Enrolment.objects.filter(pk__in=joining)
        .exclude(status=Enrolment.Status.CONFIRMED)
        .exists()
    ):
        return True  # a learner who waited has left the run since
    if proposal.released:
        settings = grouping_settings_get(run=run)
        since = timezone.now() - dt.timedelta(days=settings.quiet_after_days)
        quiet = list(
            Enrolment.objects.select_related("user").filter(
                pk__in=[r["enrolment"] for r in proposal.released]
            )
        )
        latest = last_activity(quiet)
        if any(is_active(e, latest.get(e.pk), since) for e in quiet):
            return True
    before = proposal.figures.get("seats_before", {})
    now_seats = dict(
        GroupMembership.objects.filter(
            group_id__in=[int(pk) for pk in before],
            enrolment__status=Enrolment.Status.CONFIRMED,
        )
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    return any(now_seats.get(int(pk), 0) > n for pk, n in before.items())


def _apply_changes(*, proposal: RepairProposal, run) -> None:
    """Create the new groups, move the learners, release the seats, update meetings, tell
    the moved and the released."""
    number = (
        StudyGroup.objects.filter(run=run)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    created = []
    for offset, spec in enumerate(proposal.new_groups, start=1):
        created.append(
            StudyGroup.objects.create(
                run=run,
                number=number + offset,
                language=spec["language"],
                hour_utc=spec["hour_utc"],
                status=StudyGroup.Status.PUBLISHED,
            )
        )
    groups = {g.pk: g for g in StudyGroup.objects.filter(run=run)}
    enrolments = Enrolment.objects.select_related("user").in_bulk(
        [c["enrolment"] for c in proposal.changes]
    )
    moves, seated = [], []
    for change in proposal.changes:
        enrolment = enrolments[change["enrolment"]]
        target = change["to_group"]
        if target is None:
            GroupMembership.objects.filter(enrolment=enrolment).delete()
            LateJoinerHold.objects.update_or_create(
                enrolment=enrolment,
                defaults={
                    "reason": _(
                        "Your group became too small and no group with room meets at an "
                        "hour you can make; you will be placed as soon as one does."
                    )
                },
            )
            continue
        group = (
            created[int(target.split(":")[1])] if isinstance(target, str) else groups[int(target)]
        )
        if change["from_group"] is None:  # a learner who waited for a group
            seated.append(GroupMembership.objects.create(group=group, enrolment=enrolment))
            continue
        GroupMembership.objects.filter(enrolment=enrolment).update(group=group)
        moves.append((enrolment, group, change["from_group"]))
    if seated:
        placed = [m.enrolment_id for m in seated]
        LateJoinerHold.objects.filter(enrolment_id__in=placed).delete()
        SeatRelease.objects.filter(enrolment_id__in=placed, returned_at__isnull=True).update(
            returned_at=timezone.now()
        )
    released = seats_release(proposal=proposal, run=run)
    touched = (
        {g.pk: g for _e, g, _p in moves}
        | {m.group_id: m.group for m in seated}
        | {p: groups[p] for _e, _g, p in moves if p in groups}
        | {r.group_id: groups[r.group_id] for r in released if r.group_id in groups}
    )
    meetings_follow(groups=touched.values())
    # a group someone joined since the proposal (a late joiner, a staff move) keeps meeting
    joined = set(
        GroupMembership.objects.filter(
            group_id__in=proposal.figures.get("emptied_groups", []),
            updated_at__gt=proposal.created_at,
        ).values_list("group_id", flat=True)
    )
    _cancel_future_meetings(
        group_ids=[g for g in proposal.figures.get("emptied_groups", []) if g not in joined]
    )
    group_changed_notify(moves=moves, run=run, operation=f"repair-{proposal.pk}")
    group_intro_notify(run=run, memberships=seated)
    proposal.status = RepairProposal.Status.APPLIED
    proposal.applied_at = timezone.now()
    proposal.save(update_fields=["status", "applied_at", "updated_at"])


def _cancel_future_meetings(*, group_ids: list[int]) -> int:
    """Cancel the scheduled meetings still to come of groups a repair left without an active
    member, one change per group (each member told once); returns how many were cancelled."""
    from peerpath.meetings.services import meetings_cancel_rest

    now = timezone.now()
    cancelled = 0
    for group in StudyGroup.objects.filter(pk__in=group_ids).order_by("pk"):
        change = meetings_cancel_rest(group=group, now=now)
        cancelled += len(change.meeting_ids) if change else 0
    return cancelled


def repair_discard(*, proposal: RepairProposal) -> RepairProposal:
    if proposal.status != RepairProposal.Status.PROPOSED:
        raise ApplicationError(_("Only a proposed repair can be discarded."))
    proposal.status = RepairProposal.Status.DISCARDED
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


def repair_weekly(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Propose a repair for every open or running run with published groups; apply it where
    the run says so. Returns how many were proposed and applied."""
    now = now or timezone.now()
    runs = Run.objects.filter(
        status__in=[Run.Status.OPEN, Run.Status.RUNNING],
        groups__status=StudyGroup.Status.PUBLISHED,
    ).distinct()
    proposed = applied = 0
    for run in runs:
        proposal = repair_propose(run=run, now=now)
        proposed += 1
        if grouping_settings_get(run=run).repair_auto_apply and proposal.changes:
            repair_apply(proposal=proposal)
            applied += 1
    return {"proposed": proposed, "applied": applied}
