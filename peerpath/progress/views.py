"""The learner's home: this week's module, my group, my next meeting, my progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.courses.models import Activity, Run
from peerpath.enrollment.models import Enrolment
from peerpath.progress import services
from peerpath.progress.selectors import learner_home


def home(request):
    if not request.user.is_authenticated:
        runs = Run.objects.filter(
            status__in=[Run.Status.OPEN, Run.Status.RUNNING], kind=Run.Kind.MOOC
        ).select_related("course")
        return render(request, "progress/landing.html", {"runs": runs})
    enrolments = (
        Enrolment.objects.filter(user=request.user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("run__course", "organisation")
        .order_by("-run__starts_on")
    )
    now = timezone.now()
    homes = [
        learner_home(enrolment=e, now=now) if e.status == Enrolment.Status.CONFIRMED else None
        for e in enrolments
    ]
    return render(
        request,
        "progress/home.html",
        {
            "items": list(zip(enrolments, homes, strict=True)),
        },
    )


@login_required
@require_POST
def mark_done(request, enrolment_id: int, activity_id: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("run"), pk=enrolment_id)
    if enrolment.user_id != request.user.pk:
        return render(request, "progress/forbidden.html", status=404)
    activity = get_object_or_404(
        Activity.objects.select_related("module"),
        pk=activity_id,
        module__course_id=enrolment.run.course_id,
    )
    if request.POST.get("done") == "0":
        services.completion_unmark(enrolment=enrolment, activity=activity)
        messages.info(request, _("Marked as not done: %(title)s") % {"title": activity.title})
    else:
        services.completion_mark(enrolment=enrolment, activity=activity)
        messages.success(request, _("Marked as done: %(title)s") % {"title": activity.title})
    return redirect("home")
