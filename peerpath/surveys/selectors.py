"""Reads for surveys: who has not answered, and a survey's analysis by segment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from peerpath.enrollment.models import Enrolment
from peerpath.surveys import statistics
from peerpath.surveys.models import Answer, Invitation, Question, Response, Survey

SEGMENTS = ("mode", "group_size", "organisation", "completed")


def unanswered(survey: Survey) -> QuerySet[Enrolment]:
    """Invited learners, still confirmed in the run, who have not answered (for reminders)."""
    return Enrolment.objects.filter(
        survey_invitations__survey=survey,
        survey_invitations__responded=False,
        status=Enrolment.Status.CONFIRMED,
    ).select_related("user", "run")


def survey_list_for_run(*, run) -> QuerySet[Survey]:
    return Survey.objects.filter(run=run).order_by("opens_at", "pk")


def survey_for_learner(*, survey_id: int, enrolment_id: int) -> tuple[Survey, Enrolment] | None:
    invitation = (
        Invitation.objects.select_related("survey__run", "enrolment__user")
        .filter(survey_id=survey_id, enrolment_id=enrolment_id)
        .first()
    )
    return (invitation.survey, invitation.enrolment) if invitation else None


def has_responded(*, survey: Survey, enrolment: Enrolment) -> bool:
    return Invitation.objects.filter(survey=survey, enrolment=enrolment, responded=True).exists()


def segment_label(segment: str, value) -> str:
    if value is None or value == "":
        return _("unknown")
    if segment == "mode":
        return str(dict(Enrolment.Mode.choices).get(value, value))
    if segment == "group_size":
        size = int(value)
        return _("groups of up to 6") if size <= 6 else _("groups of 7 or more")
    if segment == "completed":
        return _("completed") if value else _("not completed")
    return str(value)


@dataclass
class ItemResult:
    question: Question
    summary: statistics.LikertSummary | None = None
    choices: dict[str, int] = field(default_factory=dict)
    comparison: statistics.SegmentComparison | None = None


@dataclass
class ScaleResult:
    name: str
    items: int
    reliability: statistics.Reliability | None
    problem: str = ""


@dataclass
class SurveyResults:
    survey: Survey
    segment: str
    invited: int
    responded: int
    rate: float | None
    items: list[ItemResult]
    scales: list[ScaleResult]
    open_answers: dict[int, tuple[dict[str, list[str]], dict[str, int]]]


def survey_results(*, survey: Survey, segment: str = "mode") -> SurveyResults:
    """Response rate; per item frequencies, mean, median, top two boxes and the comparison of
    segments; Cronbach's alpha per scale; open answers per segment."""
    if segment not in SEGMENTS:
        segment = "mode"
    invited = Invitation.objects.filter(survey=survey).count()
    responded = Invitation.objects.filter(survey=survey, responded=True).count()
    questions = list(survey.questions.all())
    responses = {r.pk: r for r in Response.objects.filter(survey=survey)}
    by_question: dict[int, list[tuple[Response, Answer]]] = {q.pk: [] for q in questions}
    for answer in Answer.objects.filter(response__survey=survey):
        by_question[answer.question_id].append((responses[answer.response_id], answer))
    minimum = survey.minimum_segment
    items: list[ItemResult] = []
    open_answers = {}
    for question in questions:
        pairs = by_question[question.pk]
        result = ItemResult(question=question)
        if question.kind == Question.Kind.LIKERT:
            values = [a.number for _, a in pairs]
            result.summary = statistics.likert_summary(values, points=question.points)
            groups: dict[str, list[int]] = {}
            for response, answer in pairs:
                label = segment_label(segment, getattr(response, segment))
                groups.setdefault(label, []).append(answer.number)
            result.comparison = statistics.compare_segments(
                groups, points=question.points, minimum=minimum)
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            result.choices = statistics.choice_frequencies(
                [a.choices for _, a in pairs], options=question.options)
        else:
            open_answers[question.pk] = statistics.open_answers_by_segment(
                [(segment_label(segment, getattr(r, segment)), a.text) for r, a in pairs],
                minimum=minimum,
            )
        items.append(result)
    scales = []
    scale_names = sorted({q.scale for q in questions if q.kind == "likert" and q.scale})
    for name in scale_names:
        scale_questions = [q for q in questions if q.kind == "likert" and q.scale == name]
        rows: dict[int, dict[int, int]] = {}
        for q in scale_questions:
            for response, answer in by_question[q.pk]:
                rows.setdefault(response.pk, {})[q.pk] = answer.number
        matrix = [[row.get(q.pk) for q in scale_questions] for row in rows.values()]
        try:
            scales.append(ScaleResult(name, len(scale_questions),
                                      statistics.reliability(matrix)))
        except ValueError as error:
            scales.append(ScaleResult(name, len(scale_questions), None, str(error)))
    return SurveyResults(
        survey=survey, segment=segment, invited=invited, responded=responded,
        rate=statistics.response_rate(invited=invited, responded=responded),
        items=items, scales=scales, open_answers=open_answers,
    )


RESPONSE_COLUMNS_IDENTIFIED = ["response_id", "enrolment_id", "learner_email", "submitted_on",
                               "mode", "organisation", "group_size", "completed"]
RESPONSE_COLUMNS_ANONYMOUS = ["response_id", "submitted_on", "mode", "group_size", "completed"]


def survey_response_rows(*, survey: Survey) -> tuple[list[str], list[list]]:
    """Rows of the responses export: stable columns, then one column per question (q<pos>).

    An anonymous survey's export names no learner and leaves out the organisation, which
    together with the other columns could identify someone in a small organisation.
    """
    questions = list(survey.questions.all())
    base = RESPONSE_COLUMNS_ANONYMOUS if survey.anonymous else RESPONSE_COLUMNS_IDENTIFIED
    header = base + [f"q{q.position}" for q in questions]
    answers: dict[int, dict[int, Answer]] = {}
    for answer in Answer.objects.filter(response__survey=survey):
        answers.setdefault(answer.response_id, {})[answer.question_id] = answer
    rows = []
    for response in Response.objects.filter(survey=survey).select_related("enrolment__user"):
        values = {
            "response_id": response.pk,
            "enrolment_id": response.enrolment_id or "",
            "learner_email": response.enrolment.user.email if response.enrolment else "",
            "submitted_on": response.submitted_on.isoformat(),
            "mode": response.mode,
            "organisation": response.organisation,
            "group_size": "" if response.group_size is None else response.group_size,
            "completed": "" if response.completed is None else int(response.completed),
        }
        row = [values[c] for c in base]
        for q in questions:
            a = answers.get(response.pk, {}).get(q.pk)
            if a is None:
                row.append("")
            elif q.kind == Question.Kind.LIKERT:
                row.append(a.number)
            elif q.kind == Question.Kind.OPEN:
                row.append(a.text)
            else:
                row.append(";".join(a.choices))
        rows.append(row)
    return header, rows
