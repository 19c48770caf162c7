"""Survey pages: the learner's answer form (by personal link, no sign-in needed) and the staff
pages of a run's surveys: create, open, close, results by segment, CSV of responses."""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import LinkRefused, link_refused_response, link_token_read
from peerpath.courses.models import Run
from peerpath.surveys import selectors, services
from peerpath.surveys.models import Survey

LINK_MAX_AGE = 120 * 86400

EXAMPLE_INSTRUMENT = """likert5 [interaction] The group meetings helped me learn.
likert5 [interaction] I discussed the course with colleagues outside the meetings.
likert5 [interaction] I felt comfortable speaking in my group.
single How did you join the course? | Alone / With colleagues from my school
open? What would you change?"""


class SurveyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    introduction = forms.CharField(label=gettext_lazy("Introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous responses"), required=False,
                                   initial=True)
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens at (run timezone)"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes at (run timezone)"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minimum_segment = forms.IntegerField(label=gettext_lazy("Smallest segment reported"),
                                         min_value=1, max_value=100, initial=5)
    instrument = forms.CharField(
        label=gettext_lazy("Questions, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}), initial=EXAMPLE_INSTRUMENT,
        help_text=gettext_lazy(
            "likert4 / likert5 [scale] question | optional labels separated by /; "
            "single or multiple question | option / option; open question. "
            "A ? after the kind makes a question optional."),
    )


def _staff_run(request, slug: str, *, manage: bool = False) -> Run:
    run = get_object_or_404(Run, slug=slug)
    allowed = access_run_manage if manage else access_run_staff
    if not allowed(request.user, run):
        raise Http404
    return run


def _local(value: dt.datetime, run: Run) -> dt.datetime:
    if timezone.is_aware(value):
        value = value.replace(tzinfo=None)
    return value.replace(tzinfo=zoneinfo.ZoneInfo(run.timezone))


@login_required
def run_surveys(request, slug: str):
    run = _staff_run(request, slug)
    can_manage = access_run_manage(request.user, run)
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.survey_create(
                    run=run, title=data["title"], introduction=data["introduction"],
                    anonymous=data["anonymous"], opens_at=_local(data["opens_at"], run),
                    closes_at=_local(data["closes_at"], run), instrument=data["instrument"],
                    minimum_segment=data["minimum_segment"],
                )
            except ApplicationError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
                for where, what in error.errors:
                    form.add_error(field, f"{where}: {what}")
            else:
                messages.success(request, _("Survey “%(title)s” scheduled.")
                                 % {"title": survey.title})
                return redirect("surveys:run_surveys", slug=run.slug)
    surveys = selectors.survey_list_for_run(run=run)
    return render(request, "surveys/run_surveys.html",
                  {"run": run, "surveys": surveys, "form": form, "can_manage": can_manage})


def _staff_survey(request, pk: int, *, manage: bool = False) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("run"), pk=pk)
    allowed = access_run_manage if manage else access_run_staff
    if not allowed(request.user, survey.run):
        raise Http404
    return survey


@login_required
@require_POST
def survey_action(request, pk: int, action: str):
    survey = _staff_survey(request, pk, manage=True)
    try:
        if action == "open":
            n = services.survey_open(survey=survey)
            messages.success(request, _("Survey open; %(n)s learners invited.") % {"n": n})
        elif action == "close":
            services.survey_close(survey=survey)
            messages.success(request, _("Survey closed."))
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error))
    return redirect("surveys:run_surveys", slug=survey.run.slug)


@login_required
def survey_results(request, pk: int):
    survey = _staff_survey(request, pk)
    results = selectors.survey_results(survey=survey, segment=request.GET.get("segment", "mode"))
    segment_names = {
        "mode": _("How they joined"),
        "group_size": _("Group size"),
        "organisation": _("Organisation"),
        "completed": _("Completed or not"),
    }
    return render(request, "surveys/results.html", {
        "survey": survey, "results": results, "segments": segment_names,
        "segment_name": segment_names[results.segment],
    })


@login_required
def survey_responses_csv(request, pk: int):
    survey = _staff_survey(request, pk)
    header, rows = selectors.survey_response_rows(survey=survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-responses.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def answer(request, token: str):
    """The learner's personal answer page; works without signing in."""
    try:
        payload = link_token_read(services.LINK_PURPOSE, token, max_age=LINK_MAX_AGE)
    except LinkRefused as refused:
        return link_refused_response(request, refused)
    found = selectors.survey_for_learner(survey_id=payload.get("s", 0),
                                         enrolment_id=payload.get("e", 0))
    if found is None:
        return link_refused_response(request, LinkRefused("invalid"))
    survey, enrolment = found
    questions = list(survey.questions.all())
    if selectors.has_responded(survey=survey, enrolment=enrolment):
        return render(request, "surveys/answered.html", {"survey": survey, "already": True})
    now = timezone.now()
    is_open = survey.status == Survey.Status.OPEN and survey.opens_at <= now < survey.closes_at
    error = None
    submitted: dict = {}
    if request.method == "POST" and is_open:
        submitted = {
            f"q{q.pk}": (request.POST.getlist(f"q{q.pk}") if q.kind == "multiple"
                         else request.POST.get(f"q{q.pk}", ""))
            for q in questions
        }
        try:
            services.response_submit(survey=survey, enrolment=enrolment, answers=submitted,
                                     now=now)
        except ApplicationError as failure:
            error = failure
        else:
            return render(request, "surveys/answered.html", {"survey": survey, "already": False})
    rows = []
    for q in questions:
        value = submitted.get(f"q{q.pk}", [] if q.kind == "multiple" else "")
        rows.append({
            "q": q,
            "name": f"q{q.pk}",
            "value": value,
            "points": [(i, label) for i, label in enumerate(q.labels, start=1)],
            "error": error.message if error is not None and error.field == f"q{q.pk}" else "",
        })
    return render(request, "surveys/answer.html", {
        "survey": survey, "rows": rows, "is_open": is_open,
        "error": error.message if error is not None and not error.field else "",
        "has_errors": error is not None,
    }, status=400 if error is not None else 200)
