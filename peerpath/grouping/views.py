"""Staff pages of a run: its learners, groups, the quality report, moves, late joiners and
the weekly repair. Every page works without JavaScript; htmx checks a move as it is chosen
and refreshes a running formation's progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping import selectors, services
from peerpath.grouping.messages import weekly_time_local
from peerpath.grouping.models import RepairProposal, StudyGroup
from peerpath.grouping.services.moving import colleague_block
from peerpath.messaging.selectors import outbox_counts


def _run_for(request, slug: str, *, manage: bool = False) -> Run:
    run = get_object_or_404(Run.objects.select_related("course"), slug=slug)
    allowed = access_run_manage if manage else access_run_staff
    if not allowed(request.user, run):
        raise Http404
    return run


def _local_hour(run: Run, hour_utc: int) -> str:
    return weekly_time_local(hour_utc, run.timezone, near=timezone.now())


@login_required
def staff_runs(request):
    runs = Run.objects.select_related("course").annotate(n=Count("enrolments"))
    runs = [r for r in runs if access_run_staff(request.user, r)]
    if not runs and not request.user.is_staff:
        raise Http404
    return render(request, "grouping/staff_runs.html", {"runs": runs})


@login_required
def staff_run(request, slug: str):
    run = _run_for(request, slug)
    status_counts = dict(
        Enrolment.objects.filter(run=run).order_by().values_list("status").annotate(n=Count("id"))
    )
    current = selectors.groups_report(run=run)
    rows = [(row, _local_hour(run, row.group.hour_utc)) for row in current.rows]
    return render(
        request,
        "grouping/staff_run.html",
        {
            "run": run,
            "rows": rows,
            "report": current.report,
            "latest": selectors.grouping_latest(run=run),
            "job": selectors.grouping_job_latest(run=run),
            "holds": selectors.late_joiner_holds(run=run)[:200],
            "releases": selectors.seat_releases(run=run)[:200],
            "repair": selectors.repair_latest(run=run),
            "status_counts": status_counts,
            "outbox": outbox_counts(run=run),
            "can_manage": access_run_manage(request.user, run),
        },
    )


@login_required
def staff_job(request, slug: str):
    """The latest formation's progress (a fragment for htmx, a page otherwise)."""
    run = _run_for(request, slug)
    context = {"run": run, "job": selectors.grouping_job_latest(run=run)}
    if request.htmx:
        return render(request, "grouping/_job.html", context)
    return render(request, "grouping/staff_job.html", context)


@login_required
@require_POST
def staff_run_action(request, slug: str, action: str):
    run = _run_for(request, slug, manage=True)
    try:
        if action == "form":
            services.grouping_job_start(
                run=run, seed=int(request.POST.get("seed") or 0), user=request.user
            )
            messages.success(request, _("Forming groups; the progress is shown below."))
        elif action == "lock":
            n = services.groups_lock(run=run)
            messages.success(request, _("%(n)s groups locked.") % {"n": n})
        elif action == "publish":
            n = services.groups_publish(run=run)
            messages.success(
                request, _("%(n)s groups published; members are being told.") % {"n": n}
            )
        elif action == "late":
            counts = services.late_joiners_place_run(run=run)
            messages.success(
                request,
                _("%(placed)s late joiners placed; %(held)s wait, with the reason shown.") % counts,
            )
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error))
    except ValueError:
        messages.error(request, _("Seed: enter a whole number."))
    return redirect("grouping:staff_run", slug=run.slug)


@login_required
def staff_group(request, slug: str, number: int):
    run = _run_for(request, slug)
    group = selectors.group_get(run=run, number=number)
    if group is None:
        raise Http404
    members = selectors.group_members(group=group)
    others = list(
        StudyGroup.objects.filter(run=run, language=group.language)
        .exclude(pk=group.pk)
        .annotate(size=Count("memberships"))
        .order_by("number")
    )
    targets = [(g, _local_hour(run, g.hour_utc)) for g in others]
    rows = [(e, len(colleague_block(enrolment=e))) for e in members]
    return render(
        request,
        "grouping/staff_group.html",
        {
            "run": run,
            "group": group,
            "when": _local_hour(run, group.hour_utc),
            "rows": rows,
            "targets": targets,
            "can_manage": access_run_manage(request.user, run),
        },
    )


def _move_request(request, run: Run):
    """(enrolments, target group) from the move form, or raise ApplicationError."""
    data = request.POST if request.method == "POST" else request.GET
    enrolment = Enrolment.objects.filter(run=run, pk=data.get("enrolment") or 0).first()
    if enrolment is None:
        raise ApplicationError(_("Choose a learner of this run."), field="enrolment")
    try:
        number = int(data.get("to") or "")
    except ValueError:
        raise ApplicationError(_("Choose the group to move to."), field="to") from None
    to_group = selectors.group_get(run=run, number=number)
    if to_group is None:
        raise ApplicationError(_("Group %(n)s does not exist.") % {"n": number}, field="to")
    block = data.get("block") == "on"
    enrolments = colleague_block(enrolment=enrolment) if block else [enrolment]
    return enrolment, enrolments, to_group


@login_required
def staff_move_check(request, slug: str):
    """Whether the chosen move breaks a hard rule; a fragment for htmx."""
    run = _run_for(request, slug, manage=True)
    try:
        _enrolment, enrolments, to_group = _move_request(request, run)
        problems = services.group_move_check(enrolments=enrolments, to_group=to_group)
    except ApplicationError as error:
        problems, to_group = [str(error)], None
    return render(
        request, "grouping/_move_check.html", {"problems": problems, "to_group": to_group}
    )


@login_required
@require_POST
def staff_move(request, slug: str):
    run = _run_for(request, slug, manage=True)
    number = request.POST.get("from")
    try:
        _enrolment, enrolments, to_group = _move_request(request, run)
        services.group_move_members(enrolments=enrolments, to_group=to_group)
        messages.success(
            request,
            _("%(n)s learner(s) moved to group %(number)s.")
            % {"n": len(enrolments), "number": to_group.number},
        )
    except ApplicationError as error:
        messages.error(request, str(error))
    if number and selectors.group_get(run=run, number=int(number)):
        return redirect("grouping:staff_group", slug=run.slug, number=int(number))
    return redirect("grouping:staff_run", slug=run.slug)


@login_required
@require_POST
def staff_group_lock(request, slug: str, number: int, action: str):
    run = _run_for(request, slug, manage=True)
    group = selectors.group_get(run=run, number=number)
    if group is None or action not in ("lock", "unlock"):
        raise Http404
    try:
        if action == "lock":
            services.group_lock(group=group)
            messages.success(request, _("Group %(n)s locked.") % {"n": number})
        else:
            services.group_unlock(group=group)
            messages.success(request, _("Group %(n)s unlocked.") % {"n": number})
    except ApplicationError as error:
        messages.error(request, str(error))
    if request.POST.get("next") == "group":
        return redirect("grouping:staff_group", slug=run.slug, number=number)
    return redirect("grouping:staff_run", slug=run.slug)


@login_required
def staff_repair(request, slug: str):
    run = _run_for(request, slug)
    proposal = selectors.repair_latest(run=run)
    changes, released = [], []
    if proposal is not None:
        enrolments = Enrolment.objects.select_related("user").in_bulk(
            [c["enrolment"] for c in proposal.changes[:500]]
        )
        numbers = dict(StudyGroup.objects.filter(run=run).values_list("pk", "number"))
        for change in proposal.changes[:500]:
            target = change["to_group"]
            if target is None:
                where = _("waits for a group")
            elif isinstance(target, str):
                spec = proposal.new_groups[int(target.split(":")[1])]
                where = _("new group meeting %(when)s") % {
                    "when": _local_hour(run, spec["hour_utc"])
                }
            else:
                where = _("group %(n)s") % {"n": numbers.get(target, "?")}
            changes.append(
                (enrolments.get(change["enrolment"]), numbers.get(change["from_group"]), where)
            )
        released_people = Enrolment.objects.select_related("user").in_bulk(
            [r["enrolment"] for r in proposal.released[:500]]
        )
        released = [
            (released_people.get(r["enrolment"]), numbers.get(r["from_group"]), r["quiet_days"])
            for r in proposal.released[:500]
        ]
    return render(
        request,
        "grouping/staff_repair.html",
        {
            "run": run,
            "proposal": proposal,
            "changes": changes,
            "released": released,
            "settings": services.grouping_settings_get(run=run),
            "can_manage": access_run_manage(request.user, run),
            "proposed": RepairProposal.Status.PROPOSED,
        },
    )


@login_required
@require_POST
def staff_repair_action(request, slug: str, action: str):
    run = _run_for(request, slug, manage=True)
    try:
        if action == "propose":
            proposal = services.repair_propose(run=run)
            messages.success(
                request,
                _(
                    "Repair proposed: %(n)s learners would move; %(r)s quiet members would give up "
                    "their seat."
                )
                % {"n": len(proposal.changes), "r": len(proposal.released)},
            )
        elif action in ("apply", "discard"):
            proposal = get_object_or_404(RepairProposal, run=run, pk=request.POST.get("proposal"))
            if action == "apply":
                services.repair_apply(proposal=proposal)
                messages.success(
                    request, _("Repair applied; moved and released learners are being told.")
                )
            else:
                services.repair_discard(proposal=proposal)
                messages.success(request, _("Repair discarded."))
        elif action == "settings":
            try:
                thin = int(request.POST.get("thin_below", ""))
            except ValueError:
                raise ApplicationError(
                    _("Thin group: enter a whole number."), field="thin_below"
                ) from None
            try:
                quiet = int(request.POST.get("quiet_after_days", ""))
            except ValueError:
                raise ApplicationError(
                    _("Quiet after: enter a whole number of days."), field="quiet_after_days"
                ) from None
            try:
                ahead = int(request.POST.get("merge_ahead_percent", ""))
            except ValueError:
                raise ApplicationError(
                    _("Merge ahead: enter a whole number of percent."),
                    field="merge_ahead_percent",
                ) from None
            services.grouping_settings_update(
                run=run,
                thin_below=thin,
                quiet_after_days=quiet,
                repair_auto_apply=request.POST.get("repair_auto_apply") == "on",
                merge_ahead_percent=ahead,
            )
            messages.success(request, _("Repair settings saved."))
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error))
    return redirect("grouping:staff_repair", slug=run.slug)
