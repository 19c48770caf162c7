"""The learner's home: this week's module, my group, my next meeting, my progress."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_enrolment, access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import LinkRefused, link_refused_response
from peerpath.common.timefmt import format_local
from peerpath.courses.models import Activity, Run
from peerpath.enrollment.models import Enrolment
from peerpath.progress import selectors, services
from peerpath.progress.links import done_token_read
from peerpath.progress.models import Completion
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
    links = [
        _home_links(enrolment=e, home=h, now=now)
        for e, h in zip(enrolments, homes, strict=True)
    ]
    return render(
        request,
        "progress/home.html",
        {
            "items": list(zip(enrolments, homes, links, strict=True)),
        },
    )


@dataclass
class HomeLinks:
    """Where a learner goes from their home for one enrolment: the group page, the waiting
    reason when no group has room yet, the next meeting's calendar file, the open surveys they
    have not answered, the badge earned."""

    group_url: str = ""
    held_reason: str = ""
    you_lead: bool = False
    meeting_ics_url: str = ""
    surveys: list = field(default_factory=list)  # [(title, answer url, closes_at local)]
    badge_url: str = ""


def _home_links(*, enrolment, home, now) -> HomeLinks:
    links = HomeLinks()
    if home is None:
        return links
    if home.group is not None:
        links.group_url = reverse("meetings:group", args=[home.group.pk])
        if home.next_meeting is not None:
            links.you_lead = home.next_meeting.leader_id == enrolment.pk
            links.meeting_ics_url = _reverse_or_empty(
                "meetings:meeting_invite", home.next_meeting.pk
            )
    else:
        try:
            from peerpath.grouping.selectors import late_joiner_holds
        except ImportError:
            pass
        else:
            hold = late_joiner_holds(run=enrolment.run).filter(enrolment=enrolment).first()
            links.held_reason = hold.reason if hold else ""
    links.surveys = _open_surveys(enrolment=enrolment, now=now)
    try:
        from peerpath.badges.selectors import badge_for_enrolment
    except ImportError:
        pass
    else:
        badge = badge_for_enrolment(enrolment=enrolment)
        if badge is not None and badge.revoked_at is None:
            links.badge_url = _reverse_or_empty("badges:verify", badge.uuid)
    return links


def _open_surveys(*, enrolment, now) -> list:
    """The open surveys this learner was invited to and has not answered, with a signed
    answer link (the same kind of link the invitation mail carries)."""
    try:
        from peerpath.surveys.models import Invitation, Survey
        from peerpath.surveys.services import survey_answer_token
    except ImportError:
        return []
    invitations = (
        Invitation.objects.filter(
            enrolment=enrolment,
            responded=False,
            survey__status=Survey.Status.OPEN,
            survey__closes_at__gt=now,
        )
        .select_related("survey")
        .order_by("survey__closes_at", "survey_id")
    )
    return [
        (
            invitation.survey.title,
            reverse(
                "surveys:answer",
                args=[survey_answer_token(survey=invitation.survey, enrolment=enrolment)],
            ),
            format_local(invitation.survey.closes_at, enrolment.timezone),
        )
        for invitation in invitations
    ]


def _reverse_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


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
    if request.POST.get("next") == "path":
        return redirect("learner_path", enrolment.pk)
    return redirect("home")


@csrf_exempt  # the signed token is the credential; there is no session to forge a request from
def done_link(request, token: str):
    """The page behind the "done" link of the weekly mail; see `peerpath.progress.links`."""
    try:
        enrolment_id, activity_id = done_token_read(token)
    except LinkRefused as refused:
        return link_refused_response(request, refused)
    enrolment = Enrolment.objects.select_related("run__course", "user").filter(
        pk=enrolment_id
    ).first()
    activity = (
        Activity.objects.select_related("module").filter(pk=activity_id).first()
        if enrolment
        else None
    )
    if (
        enrolment is None
        or activity is None
        or activity.module.course_id != enrolment.run.course_id
        or enrolment.status == Enrolment.Status.WITHDRAWN
    ):
        return link_refused_response(request, LinkRefused("invalid"))
    changed = None
    if request.method == "POST":
        if request.POST.get("action") == "undo":
            changed = services.completion_unmark(enrolment=enrolment, activity=activity)
            changed = "undone" if changed else "unchanged"
        else:
            _completion, created = services.completion_mark_created(
                enrolment=enrolment, activity=activity, source=Completion.Source.EMAIL
            )
            changed = "done" if created else "unchanged"
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    completion = Completion.objects.filter(enrolment=enrolment, activity=activity).first()
    response = render(
        request,
        "progress/done_link.html",
        {
            "enrolment": enrolment,
            "activity": activity,
            "completion": completion,
            "changed": changed,
            "completed_local": (
                format_local(completion.completed_at, enrolment.timezone) if completion else ""
            ),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def learner_path(request, enrolment_id: int):
    """A learner's whole path: done, due this week, missed, ahead; and the completion rule."""
    enrolment = Enrolment.objects.select_related("run__course", "user").filter(
        pk=enrolment_id
    ).first()
    if enrolment is None or not access_enrolment(request.user, enrolment):
        return render(request, "progress/forbidden.html", status=404)
    path = selectors.learner_path(enrolment=enrolment, now=timezone.now())
    badge = None
    try:
        from peerpath.badges.selectors import badge_for_enrolment
    except ImportError:
        pass
    else:
        badge = badge_for_enrolment(enrolment=enrolment)
    return render(
        request,
        "progress/path.html",
        {
            "path": path,
            "enrolment": enrolment,
            "own": enrolment.user_id == request.user.pk,
            "badge": badge,
        },
    )


@login_required
def run_progress(request, run_id: int):
    """Staff: completion rates of a run, against all enrolled and against those who started."""
    run = Run.objects.select_related("course").filter(pk=run_id).first()
    if run is None or not access_run_staff(request.user, run):
        return render(request, "progress/forbidden.html", status=404)
    return render(
        request,
        "progress/run_progress.html",
        {"run": run, "rates": selectors.run_completion_rates(run=run)},
    )


@login_required
def move(request, enrolment_id: int):
    """A learner who fell behind moves to a later run of the course, choosing what to repeat."""
    from peerpath.enrollment.moves import enrolment_move_to_run, later_runs_for

    enrolment = Enrolment.objects.select_related("run__course", "user").filter(
        pk=enrolment_id, user=request.user, status=Enrolment.Status.CONFIRMED
    ).first()
    if enrolment is None:
        return render(request, "progress/forbidden.html", status=404)
    runs = later_runs_for(enrolment=enrolment)
    modules = list(enrolment.run.course.modules.order_by("position"))
    error = ""
    if request.method == "POST":
        to_run = next((r for r in runs if str(r.pk) == request.POST.get("run")), None)
        if to_run is None:
            error = _("Choose the run to move to.")
        else:
            try:
                moved = enrolment_move_to_run(
                    enrolment=enrolment,
                    to_run=to_run,
                    repeat_modules=[m for m in request.POST.getlist("repeat") if m.isdigit()],
                )
            except ApplicationError as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    _("You moved to %(title)s. What you have done comes with you.")
                    % {"title": to_run.title},
                )
                return redirect("learner_path", moved.pk)
    return render(
        request,
        "progress/move.html",
        {"enrolment": enrolment, "runs": runs, "modules": modules, "error": error},
        status=400 if error else 200,
    )
