"""Analytics pages: the run dashboard, CSV exports, and the semester report (HTML and PDF)
with the study board's recorded decision."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_staff
from peerpath.analytics import reports, selectors, services
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run


def access_board(user) -> bool:
    """Site staff and the study board see the semester report and record its decision."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    try:
        from peerpath.production import selectors as production_selectors
        from peerpath.production.workflow import Role

        return Role.STUDY_BOARD in production_selectors.production_roles_site(user=user)
    except (ImportError, AttributeError):
        return False


def _run_for_staff(request, slug: str) -> Run:
    run = get_object_or_404(Run.objects.select_related("course"), slug=slug)
    if not access_run_staff(request.user, run):
        raise Http404
    return run


@login_required
def dashboard(request, slug: str):
    run = _run_for_staff(request, slug)
    report = reports.run_report(run=run, fmt="svg")
    return render(request, "analytics/dashboard.html", {
        "run": run, "report": report, "report_outcomes": [report.outcome],
    })


class _Echo:
    def write(self, value):
        return value


EXPORTS = {
    "enrolments": (selectors.ENROLMENT_COLUMNS, selectors.enrolment_export_rows),
    "progress": (selectors.PROGRESS_COLUMNS, selectors.progress_export_rows),
    "attendance": (selectors.ATTENDANCE_COLUMNS, selectors.attendance_export_rows),
}


@login_required
def export_csv(request, slug: str, what: str):
    run = _run_for_staff(request, slug)
    if what == "outcomes":
        header = selectors.OUTCOME_COLUMNS
        rows = (selectors.outcome_csv_row(r) for r in selectors.run_outcomes([run]))
    elif what in EXPORTS:
        header, produce = EXPORTS[what]
        rows = produce(run=run) or ()
    else:
        raise Http404
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.slug}-{what}.csv"'
    return response


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    default_start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    default_end = dt.date(today.year, 6, 30) if today.month <= 6 else dt.date(today.year, 12, 31)
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or default_start.isoformat())
        end = dt.date.fromisoformat(request.GET.get("to") or default_end.isoformat())
    except ValueError:
        raise ApplicationError(_("Give the dates as YYYY-MM-DD."), field="from") from None
    return start, end


@login_required
def semester_report(request):
    if not access_board(request.user):
        raise Http404
    try:
        start, end = _period(request)
        report = reports.semester_report(start=start, end=end)
    except ApplicationError as error:
        return render(request, "analytics/semester_report.html",
                      {"error": error.message, "start": request.GET.get("from", ""),
                       "end": request.GET.get("to", "")}, status=400)
    return render(request, "analytics/semester_report.html",
                  {"report": report, "start": start, "end": end})


@login_required
def semester_report_pdf(request):
    if not access_board(request.user):
        raise Http404
    try:
        start, end = _period(request)
        report = reports.semester_report(start=start, end=end, fmt="png")
    except ApplicationError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    pdf = reports.semester_report_pdf(report=report, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="semester-report-{start}-{end}.pdf"')
    return response


@login_required
@require_POST
def board_decision(request):
    if not access_board(request.user):
        raise Http404
    start_text, end_text = request.POST.get("from", ""), request.POST.get("to", "")
    try:
        start, end = dt.date.fromisoformat(start_text), dt.date.fromisoformat(end_text)
        services.board_decision_record(start=start, end=end,
                                       decision=request.POST.get("decision", ""),
                                       user=request.user)
    except ValueError:
        messages.error(request, _("Give the dates as YYYY-MM-DD."))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The board's decision is recorded."))
    return redirect(f"{reverse('analytics:semester_report')}?from={start_text}&to={end_text}")
