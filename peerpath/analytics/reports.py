"""The run dashboard and the study board's semester report: figures and plots assembled from
the selectors, rendered as HTML, and as PDF through WeasyPrint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from peerpath.analytics import plots, selectors
from peerpath.analytics.models import BoardDecision
from peerpath.common.errors import ApplicationError


@dataclass
class Chart:
    title: str
    image: str
    alt: str
    series: selectors.Series | None = None
    note: str = ""

    @property
    def rows(self) -> list[tuple[str, list]]:
        if self.series is None:
            return []
        columns = list(self.series.values.values())
        return [(label, [c[i] for c in columns]) for i, label in enumerate(self.series.labels)]


@dataclass
class RunReport:
    run: object
    outcome: selectors.OutcomeRow
    charts: list[Chart] = field(default_factory=list)
    surveys: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_report(*, run, fmt: str = "svg", full: bool = True,
               outcome: selectors.OutcomeRow | None = None) -> RunReport:
    """Everything the dashboard shows of one run; `full=False` keeps the semester report short
    (enrolment, funnel and completion only)."""
    outcome = outcome or selectors.run_outcomes([run])[0]
    report = RunReport(run=run, outcome=outcome)

    def add(series: selectors.Series, title: str, kind: str, xlabel: str, ylabel: str):
        if series.empty:
            report.notes.append(_("%(title)s: no data yet.") % {"title": title})
            return
        image = plots.render_series(series, kind=kind, xlabel=xlabel, ylabel=ylabel, fmt=fmt,
                                    title=title)
        report.charts.append(Chart(title, image, title, series))

    add(selectors.enrolment_over_time(run=run), _("Enrolment over time"), "line",
        _("week of the run"), _("learners (cumulative)"))
    if full:
        add(selectors.active_per_week(run=run), _("Active learners per week"), "line",
            _("week of the run"), _("learners"))
    funnel = selectors.module_funnel(run=run)
    funnel_title = (_("Assessment funnel") if funnel.note == "assessments"
                    else _("Per-module funnel"))
    add(funnel, funnel_title, "barh", _("learners"), "")
    if outcome.enrolled:
        image = plots.render_rates(
            [(_("of enrolled"), outcome.completion_of_enrolled),
             (_("of started"), outcome.completion_of_started)], fmt=fmt, title=_("Completion"))
        report.charts.append(Chart(_("Completion"), image, _("Completion rates")))
    if not full:
        return report
    attendance = selectors.attendance_by_group_size(run=run)
    if attendance.note == "unavailable":
        report.notes.append(_("Meeting attendance is not recorded in this installation."))
    else:
        add(attendance, _("Meeting attendance by group size"), "bar", _("group size"),
            _("% of places attended"))
    followup = selectors.followup_outcomes(run=run)
    if followup.note == "unavailable":
        report.notes.append(_("Follow-up outcomes are not recorded in this installation."))
    else:
        add(followup, _("Follow-up outcomes"), "bar", _("outcome"), _("learners"))
    for results in selectors.survey_summaries(run=run):
        report.surveys.append(results)
        series = selectors.survey_segment_series(results)
        if not series.empty:
            title = _("%(survey)s: agreeing by how learners joined") % {
                "survey": results.survey.title}
            report.charts.append(Chart(
                title, plots.render_series(series, kind="bar", xlabel=_("question"),
                                           ylabel=_("% agreeing"), fmt=fmt, title=title),
                title, series))
    return report


@dataclass
class SemesterReport:
    start: dt.date
    end: dt.date
    runs: list[RunReport]
    totals: selectors.OutcomeRow | None
    decisions: list
    reviews: list

    @property
    def outcome_rows(self) -> list[selectors.OutcomeRow]:
        rows = [r.outcome for r in self.runs]
        return rows + [self.totals] if self.totals is not None and len(rows) > 1 else rows


def semester_report(*, start: dt.date, end: dt.date, fmt: str = "svg") -> SemesterReport:
    if end < start:
        raise ApplicationError(_("The period must end after it starts."), field="end")
    runs = list(selectors.run_list_in_period(start=start, end=end))
    outcomes = selectors.run_outcomes(runs)
    reports = [run_report(run=o.run, fmt=fmt, full=False, outcome=o) for o in outcomes]
    totals = None
    if outcomes:
        totals = selectors.OutcomeRow(run=None)
        for o in outcomes:
            for name in ("enrolled", "started", "passed", "distinction", "failed", "withdrawn",
                         "completed"):
                setattr(totals, name, getattr(totals, name) + getattr(o, name))
    decisions = list(BoardDecision.objects.filter(period_start=start, period_end=end)
                     .select_related("recorded_by"))
    reviews = []
    try:
        from django.apps import apps

        review_model = apps.get_model("production", "SemesterReview")
        course_ids = {r.course_id for r in runs}
        reviews = list(review_model.objects.filter(course_id__in=course_ids)
                       .select_related("course"))
    except LookupError:
        pass
    return SemesterReport(start, end, reports, totals, decisions, reviews)


def semester_report_pdf(*, report: SemesterReport, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("analytics/semester_report_pdf.html", {"report": report})
    return HTML(string=html, base_url=base_url).write_pdf()
