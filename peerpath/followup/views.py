"""Tutors' follow-up: the queue ordered by risk, a learner's case, and how well the score
predicts withdrawal on past runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.access import access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Course, Run
from peerpath.enrollment.models import Enrolment
from peerpath.followup import selectors, services
from peerpath.followup.evaluation import course_score_evaluation
from peerpath.followup.forms import CloseForm, ContactForm, SnoozeForm


def _not_found(request):
    return render(request, "progress/forbidden.html", status=404)


@login_required
def queue(request, run_id: int):
    run = Run.objects.select_related("course").filter(pk=run_id).first()
    if run is None or not access_run_staff(request.user, run):
        return _not_found(request)
    show = request.GET.get("show", "queue")
    if show not in {"queue", "snoozed", "closed"}:
        show = "queue"
    try:
        min_score = min(max(float(request.GET.get("min", selectors.DEFAULT_MIN_SCORE)), 0), 1)
    except ValueError:
        min_score = selectors.DEFAULT_MIN_SCORE
    rows = selectors.followup_queue(
        run=run, today=timezone.localdate(), min_score=min_score, show=show
    )
    return render(
        request,
        "followup/queue.html",
        {
            "run": run,
            "rows": rows,
            "show": show,
            "min_score": min_score,
            "summary": selectors.followup_summary(run=run),
        },
    )


@login_required
def case(request, enrolment_id: int):
    from peerpath.progress.models import RiskScore

    enrolment = Enrolment.objects.select_related("run__course", "user").filter(
        pk=enrolment_id
    ).first()
    if enrolment is None or not access_run_staff(request.user, enrolment.run):
        return _not_found(request)
    forms = {"contact": ContactForm(), "snooze": SnoozeForm(), "close": CloseForm()}
    if request.method == "POST":
        action = request.POST.get("action")
        form_class = {"contact": ContactForm, "snooze": SnoozeForm, "close": CloseForm}.get(action)
        if form_class is not None:
            form = form_class(request.POST)
            forms[action] = form
            if form.is_valid():
                try:
                    _apply(action, form.cleaned_data, enrolment=enrolment, by=request.user)
                except ApplicationError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    messages.success(request, _("Saved."))
                    return redirect("followup:queue", enrolment.run_id)
    scores = list(RiskScore.objects.filter(enrolment=enrolment).order_by("-day")[:14])
    return render(
        request,
        "followup/case.html",
        {
            "enrolment": enrolment,
            "case": selectors.case_for_enrolment(enrolment=enrolment),
            "contacts": selectors.contact_list(enrolment=enrolment),
            "scores": scores,
            "latest": scores[0] if scores else None,
            "forms": forms,
        },
        status=400 if request.method == "POST" else 200,
    )


def _apply(action: str, data: dict, *, enrolment, by) -> None:
    if action == "contact":
        services.contact_record(
            enrolment=enrolment, by=by, channel=data["channel"], outcome=data["outcome"],
            note=data["note"],
        )
    elif action == "snooze":
        services.case_snooze(enrolment=enrolment, until=data["until"], by=by)
    else:
        services.case_close(enrolment=enrolment, note=data["close_note"], by=by)


@login_required
def evaluation(request, course_id: int):
    """How well the stored daily scores predicted withdrawal on the course's finished runs."""
    course = Course.objects.filter(pk=course_id).first()
    runs = list(Run.objects.filter(course_id=course_id)) if course else []
    if course is None or not any(access_run_staff(request.user, run) for run in runs):
        return _not_found(request)
    return render(
        request,
        "followup/evaluation.html",
        {"course": course, "evaluation": course_score_evaluation(course=course)},
    )
