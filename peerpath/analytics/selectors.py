"""Read-only figures of runs: outcomes, enrolment over time, activity per week, the per-module
funnel, completion, attendance by group size, survey results by segment, follow-up outcomes.

Analytics writes nothing of other apps. It reads the models of apps that may not exist yet
(meeting attendance, follow-up) through `apps.get_model` and shows nothing when they are absent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from peerpath.analytics.models import Assessment, AssessmentResult, EnrolmentOutcome
from peerpath.courses.models import Activity, Module, Run
from peerpath.enrollment.models import Enrolment

ENROLLED = [Enrolment.Status.CONFIRMED, Enrolment.Status.WITHDRAWN]


def _model(label: str, name: str):
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


@dataclass
class OutcomeRow:
    run: Run
    enrolled: int = 0
    started: int = 0
    passed: int = 0
    distinction: int = 0
    failed: int = 0
    withdrawn: int = 0
    completed: int = 0

    @property
    def completion_of_enrolled(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def completion_of_started(self) -> float | None:
        return self.completed / self.started if self.started else None


OUTCOME_COLUMNS = [
    "course", "run", "starts_on", "enrolled", "started", "passed", "distinction", "failed",
    "withdrawn", "completed", "completion_rate_enrolled", "completion_rate_started",
]


def outcome_csv_row(row: OutcomeRow) -> list:
    def rate(value):
        return "" if value is None else f"{value:.4f}"

    return [
        row.run.course.slug, row.run.slug, row.run.starts_on.isoformat(), row.enrolled,
        row.started, row.passed, row.distinction, row.failed, row.withdrawn, row.completed,
        rate(row.completion_of_enrolled), rate(row.completion_of_started),
    ]


def run_outcomes(runs) -> list[OutcomeRow]:
    """One row per run. Enrolled: confirmed or withdrawn learners (not pending or waitlisted).
    Started: did at least one activity, submitted an assessment or attended a meeting.
    Completed: a recorded pass or distinction, or the run's completion (progress).
    Withdrawn: a recorded withdrawn outcome, or the enrolment's withdrawn status."""
    runs = list(runs)
    rows = {run.pk: OutcomeRow(run=run) for run in runs}
    ids = list(rows)
    if not ids:
        return []
    enrolled = Enrolment.objects.filter(run_id__in=ids, status__in=ENROLLED)
    for run_id, n, withdrawn in enrolled.order_by().values_list("run_id").annotate(
        n=Count("id"), w=Count("id", filter=Q(status=Enrolment.Status.WITHDRAWN))
    ):
        rows[run_id].enrolled, rows[run_id].withdrawn = n, withdrawn
    completed: dict[int, set[int]] = defaultdict(set)
    results = (EnrolmentOutcome.objects.filter(enrolment__run_id__in=ids,
                                               enrolment__status__in=ENROLLED)
               .values_list("enrolment__run_id", "enrolment_id", "result"))
    outcome_withdrawn: dict[int, set[int]] = defaultdict(set)
    for run_id, enrolment_id, result in results:
        row = rows[run_id]
        if result == EnrolmentOutcome.Result.PASS:
            row.passed += 1
        elif result == EnrolmentOutcome.Result.DISTINCTION:
            row.distinction += 1
        elif result == EnrolmentOutcome.Result.FAIL:
            row.failed += 1
        else:
            outcome_withdrawn[run_id].add(enrolment_id)
        if result in (EnrolmentOutcome.Result.PASS, EnrolmentOutcome.Result.DISTINCTION):
            completed[run_id].add(enrolment_id)
    withdrawn_status = set(enrolled.filter(status=Enrolment.Status.WITHDRAWN)
                           .values_list("pk", flat=True)) if outcome_withdrawn else set()
    for run_id, extra in outcome_withdrawn.items():
        # a withdrawn outcome on an enrolment whose status is not withdrawn counts too
        rows[run_id].withdrawn += len(extra - withdrawn_status)
    RunCompletion = _model("progress", "RunCompletion")
    if RunCompletion is not None:
        for run_id, enrolment_id in RunCompletion.objects.filter(
            enrolment__run_id__in=ids, enrolment__status__in=ENROLLED
        ).values_list("enrolment__run_id", "enrolment_id"):
            completed[run_id].add(enrolment_id)
    started: dict[int, set[int]] = defaultdict(set)
    for run_id, enrolment_id in AssessmentResult.objects.filter(
        enrolment__run_id__in=ids, enrolment__status__in=ENROLLED
    ).values_list("enrolment__run_id", "enrolment_id").distinct():
        started[run_id].add(enrolment_id)
    Completion = _model("progress", "Completion")
    if Completion is not None:
        for run_id, enrolment_id in Completion.objects.filter(
            enrolment__run_id__in=ids, enrolment__status__in=ENROLLED
        ).values_list("enrolment__run_id", "enrolment_id").distinct():
            started[run_id].add(enrolment_id)
    Attendance = _model("meetings", "Attendance")
    if Attendance is not None:
        for run_id, enrolment_id in Attendance.objects.filter(
            enrolment__run_id__in=ids, enrolment__status__in=ENROLLED, present=True
        ).values_list("enrolment__run_id", "enrolment_id").distinct():
            started[run_id].add(enrolment_id)
    for run_id, row in rows.items():
        row.completed = len(completed[run_id])
        row.started = len(started[run_id] | completed[run_id])
    return [rows[run.pk] for run in runs]


def run_list_in_period(*, start: dt.date, end: dt.date):
    return (Run.objects.filter(starts_on__gte=start, starts_on__lte=end)
            .select_related("course").order_by("course__title", "starts_on", "slug"))


@dataclass
class Series:
    """Labelled numbers for one plot, also shown as a table beside it."""

    title: str
    labels: list[str] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.labels or not any(any(v) for v in self.values.values())


def _week_of(start: dt.date, moment: dt.datetime | dt.date) -> int:
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return (day - start).days // 7 + 1


def enrolment_over_time(*, run: Run) -> Series:
    """Cumulative learners enrolled and withdrawn, by week relative to the run start."""
    enrolled = Counter()
    withdrawn = Counter()
    for confirmed_at, created_at, withdrawn_at in Enrolment.objects.filter(
        run=run, status__in=ENROLLED
    ).values_list("confirmed_at", "created_at", "withdrawn_at"):
        enrolled[_week_of(run.starts_on, confirmed_at or created_at)] += 1
        if withdrawn_at is not None:
            withdrawn[_week_of(run.starts_on, withdrawn_at)] += 1
    weeks = sorted(set(enrolled) | set(withdrawn))
    if not weeks:
        return Series("enrolment")
    span = list(range(weeks[0], weeks[-1] + 1))
    total_e = total_w = 0
    cum_e, cum_w = [], []
    for week in span:
        total_e += enrolled[week]
        total_w += withdrawn[week]
        cum_e.append(total_e)
        cum_w.append(total_w)
    return Series("enrolment", [str(w) for w in span],
                  {"enrolled": cum_e, "withdrawn": cum_w})


def active_per_week(*, run: Run) -> Series:
    """Learners with any recorded activity in each week: completions, submissions, attendance."""
    active: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, day in AssessmentResult.objects.filter(
        enrolment__run=run, submitted_day__isnull=False
    ).values_list("enrolment_id", "submitted_day"):
        active[day // 7 + 1].add(enrolment_id)
    Completion = _model("progress", "Completion")
    if Completion is not None:
        for enrolment_id, at in Completion.objects.filter(enrolment__run=run).values_list(
            "enrolment_id", "completed_at"
        ):
            active[_week_of(run.starts_on, at)].add(enrolment_id)
    Attendance = _model("meetings", "Attendance")
    if Attendance is not None:
        for enrolment_id, at in Attendance.objects.filter(
            enrolment__run=run, present=True
        ).values_list("enrolment_id", "meeting__starts_at"):
            active[_week_of(run.starts_on, at)].add(enrolment_id)
    weeks = sorted(active)
    if not weeks:
        return Series("active")
    span = list(range(weeks[0], weeks[-1] + 1))
    return Series("active", [str(w) for w in span],
                  {"active": [len(active.get(w, ())) for w in span]})


def module_funnel(*, run: Run) -> Series:
    """How many learners reached each module (did any activity in it); for a run with external
    assessments instead of modules, how many submitted each assessment, in due order."""
    modules = list(Module.objects.filter(course=run.course).order_by("position"))
    Completion = _model("progress", "Completion")
    if modules and Completion is not None:
        reached = dict(
            Completion.objects.filter(enrolment__run=run, enrolment__status__in=ENROLLED)
            .order_by().values_list("activity__module_id")
            .annotate(n=Count("enrolment_id", distinct=True))
        )
        required = dict(
            Activity.objects.filter(module__course=run.course, required=True).order_by()
            .values_list("module_id").annotate(n=Count("id"))
        )
        if reached or required:
            return Series(
                "funnel", [f"{m.position}. {m.title}"[:30] for m in modules],
                {"learners": [reached.get(m.pk, 0) for m in modules]},
            )
    assessments = list(
        Assessment.objects.filter(run=run).annotate(n=Count("results")).order_by(
            "due_day", "external_id")
    )
    if assessments:
        return Series("funnel", [f"{a.kind} {a.due_day if a.due_day is not None else '?'}"
                                 for a in assessments],
                      {"learners": [a.n for a in assessments]}, note="assessments")
    return Series("funnel", [m.title for m in modules], {"learners": [0] * len(modules)})


def attendance_by_group_size(*, run: Run) -> Series:
    """Share of meeting places attended, by the size of the group (meetings' Attendance)."""
    Attendance = _model("meetings", "Attendance")
    if Attendance is None:
        return Series("attendance", note="unavailable")
    from peerpath.grouping.models import GroupMembership

    sizes = dict(
        GroupMembership.objects.filter(group__run=run).order_by().values_list("group_id")
        .annotate(n=Count("id"))
    )
    present = Counter()
    total = Counter()
    for group_id, is_present in Attendance.objects.filter(meeting__group__run=run).values_list(
        "meeting__group_id", "present"
    ):
        size = sizes.get(group_id, 0)
        total[size] += 1
        present[size] += bool(is_present)
    keys = sorted(total)
    return Series("attendance", [str(k) for k in keys],
                  {"attended": [round(100 * present[k] / total[k], 1) for k in keys]})


def followup_outcomes(*, run: Run) -> Series:
    """Learners by the outcome of their latest follow-up contact, and how many came back to
    the course after the first contact (the follow-up app's own summary)."""
    Contact = _model("followup", "Contact")
    if Contact is None:
        return Series("followup", note="unavailable")
    latest: dict[int, str] = {}
    for enrolment_id, outcome in Contact.objects.filter(case__enrolment__run=run).order_by(
        "at", "id"
    ).values_list("case__enrolment_id", "outcome"):
        latest[enrolment_id] = outcome
    counts = Counter(latest.values())
    choices = dict(Contact._meta.get_field("outcome").choices or [])
    labels = [str(choices.get(k, k)) for k in choices if counts.get(k)]
    values = [counts[k] for k in choices if counts.get(k)]
    try:
        from peerpath.followup.selectors import followup_summary

        summary = followup_summary(run=run)
        if summary.contacted:
            labels.append(_("Came back after contact"))
            values.append(summary.came_back)
    except ImportError:
        pass
    return Series("followup", labels, {"learners": values})


def survey_summaries(*, run: Run, segment: str = "mode"):
    """Each survey of the run with its results compared by `segment`."""
    from peerpath.surveys.selectors import survey_list_for_run, survey_results

    return [survey_results(survey=s, segment=segment) for s in survey_list_for_run(run=run)
            if s.status != "scheduled"]


def survey_segment_series(results) -> Series:
    """Share agreeing per Likert item and reportable segment (for one survey)."""
    labels: list[str] = []
    values: dict[str, list[float]] = {}
    likert = [i for i in results.items if i.comparison is not None]
    segments = sorted({name for i in likert for name in i.comparison.summaries})
    for item in likert:
        labels.append(f"Q{item.question.position}")
        for name in segments:
            summary = item.comparison.summaries.get(name)
            share = summary.top_two_box if summary and summary.top_two_box is not None else 0
            values.setdefault(name, []).append(round(100 * share, 1))
    return Series(results.survey.title, labels, values)


# --- CSV exports: stable column names ---------------------------------------------------------

ENROLMENT_COLUMNS = ["enrolment_id", "run", "learner_email", "status", "source", "mode",
                     "organisation", "language", "timezone", "confirmed_at", "withdrawn_at",
                     "outcome"]
PROGRESS_COLUMNS = ["enrolment_id", "run", "activity_id", "module_position", "activity",
                    "completed_at", "source"]
ATTENDANCE_COLUMNS = ["meeting_id", "group", "week", "starts_at", "enrolment_id", "present"]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def enrolment_export_rows(*, run: Run):
    outcomes = dict(EnrolmentOutcome.objects.filter(enrolment__run=run).values_list(
        "enrolment_id", "result"))
    query = (Enrolment.objects.filter(run=run).select_related("user", "organisation")
             .order_by("pk"))
    for e in query.iterator(chunk_size=2000):
        yield [e.pk, run.slug, e.user.email, e.status, e.source, e.mode,
               e.organisation.name if e.organisation else "", e.language, e.timezone,
               _iso(e.confirmed_at), _iso(e.withdrawn_at), outcomes.get(e.pk, "")]


def progress_export_rows(*, run: Run):
    Completion = _model("progress", "Completion")
    if Completion is not None:
        query = (Completion.objects.filter(enrolment__run=run)
                 .select_related("activity__module").order_by("enrolment_id", "activity_id"))
        for c in query.iterator(chunk_size=2000):
            yield [c.enrolment_id, run.slug, c.activity_id, c.activity.module.position,
                   c.activity.title, _iso(c.completed_at), c.source]
    start = run.starts_on
    query = (AssessmentResult.objects.filter(enrolment__run=run).select_related("assessment")
             .order_by("enrolment_id", "assessment__external_id"))
    for r in query.iterator(chunk_size=5000):
        day = (start + dt.timedelta(days=r.submitted_day)).isoformat() \
            if r.submitted_day is not None else ""
        yield [r.enrolment_id, run.slug, f"assessment-{r.assessment.external_id}", "",
               f"{r.assessment.kind} (score {'' if r.score is None else f'{r.score:g}'})",
               day, "assessment"]


def attendance_export_rows(*, run: Run):
    Attendance = _model("meetings", "Attendance")
    if Attendance is None:
        return
    query = (Attendance.objects.filter(meeting__group__run=run)
             .select_related("meeting__group").order_by("meeting_id", "enrolment_id"))
    for a in query.iterator(chunk_size=2000):
        yield [a.meeting_id, a.meeting.group.number, a.meeting.week, _iso(a.meeting.starts_at),
               a.enrolment_id, int(bool(a.present))]
