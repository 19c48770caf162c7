"""Staff pages of a run: its learners, groups and the quality report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping import selectors, services
from peerpath.messaging.selectors import outbox_counts


@login_required
def staff_runs(request):
    runs = Run.objects.select_related("course").annotate(n=Count("enrolments"))
    runs = [r for r in runs if access_run_staff(request.user, r)]
    if not runs and not request.user.is_staff:
        raise Http404
    return render(request, "grouping/staff_runs.html", {"runs": runs})


@login_required
def staff_run(request, slug: str):
    run = get_object_or_404(Run.objects.select_related("course"), slug=slug)
    if not access_run_staff(request.user, run):
        raise Http404
    groups = selectors.group_list(run=run).annotate(size=Count("memberships")).order_by("number")
    status_counts = dict(
        Enrolment.objects.filter(run=run).order_by().values_list("status").annotate(n=Count("id"))
    )
    return render(
        request,
        "grouping/staff_run.html",
        {
            "run": run,
            "groups": groups,
            "latest": selectors.grouping_latest(run=run),
            "status_counts": status_counts,
            "outbox": outbox_counts(run=run),
            "can_manage": access_run_manage(request.user, run),
        },
    )


@login_required
@require_POST
def staff_run_action(request, slug: str, action: str):
    run = get_object_or_404(Run, slug=slug)
    if not access_run_manage(request.user, run):
        raise Http404
    try:
        if action == "form":
            result = services.groups_form(run=run, seed=int(request.POST.get("seed") or 0))
            messages.success(
                request,
                _("Groups formed; %(n)s learners could not be placed.")
                % {"n": len(result.unassigned)},
            )
        elif action == "lock":
            n = services.groups_lock(run=run)
            messages.success(request, _("%(n)s groups locked.") % {"n": n})
        elif action == "publish":
            n = services.groups_publish(run=run)
            messages.success(
                request, _("%(n)s groups published; members are being told.") % {"n": n}
            )
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error))
    return redirect("grouping:staff_run", slug=run.slug)
