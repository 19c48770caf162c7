"""Writes for surveys: create an instrument, open and close surveys, record a response."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import link_token_make
from peerpath.enrollment.models import Enrolment
from peerpath.surveys.instrument import instrument_parse
from peerpath.surveys.models import Answer, Invitation, Question, Response, Survey

LINK_PURPOSE = "survey"


def default_likert_labels() -> dict[int, list[str]]:
    return {
        4: [_("Strongly disagree"), _("Disagree"), _("Agree"), _("Strongly agree")],
        5: [_("Strongly disagree"), _("Disagree"), _("Neither agree nor disagree"),
            _("Agree"), _("Strongly agree")],
    }


def survey_create(
    *,
    run,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    instrument: str,
    anonymous: bool = True,
    introduction: str = "",
    minimum_segment: int = 5,
) -> Survey:
    """A survey of a run from its instrument text (see `peerpath.surveys.instrument`)."""
    title = title.strip()
    if not title:
        raise ApplicationError(_("Give the survey a title."), field="title")
    if closes_at <= opens_at:
        raise ApplicationError(_("The survey must close after it opens."), field="closes_at")
    if minimum_segment < 1:
        raise ApplicationError(_("The smallest segment must be at least 1."),
                               field="minimum_segment")
    specs, errors = instrument_parse(instrument, default_labels=default_likert_labels())
    if errors:
        raise ApplicationError(_("The questions have problems."), field="instrument",
                               errors=errors)
    with transaction.atomic():
        survey = Survey.objects.create(
            run=run, title=title, opens_at=opens_at, closes_at=closes_at, anonymous=anonymous,
            introduction=introduction.strip(), minimum_segment=minimum_segment,
        )
        Question.objects.bulk_create(
            Question(
                survey=survey, position=i, kind=s.kind, text=s.text, points=s.points,
                labels=s.labels, options=s.options, scale=s.scale, required=s.required,
            )
            for i, s in enumerate(specs, start=1)
        )
    return survey


def survey_answer_token(*, survey: Survey, enrolment: Enrolment) -> str:
    return link_token_make(LINK_PURPOSE, {"s": survey.pk, "e": enrolment.pk})


def survey_open(*, survey: Survey, now: dt.datetime | None = None) -> int:
    """Open the survey: invite every confirmed learner of the run and queue their invitation.

    Learners who join later are invited when this runs again (the periodic task does); an
    invitation is written once per learner. Returns how many learners were newly invited.
    """
    from peerpath.messaging.services import outbox_enqueue_many

    now = now or timezone.now()
    given = survey
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status == Survey.Status.CLOSED or survey.closes_at <= now:
            raise ApplicationError(_("“%(title)s” is closed.") % {"title": survey.title})
        if survey.status != Survey.Status.OPEN:
            survey.status = Survey.Status.OPEN
            survey.save(update_fields=["status", "updated_at"])
        given.status = survey.status
        invited = set(Invitation.objects.filter(survey=survey).values_list("enrolment_id",
                                                                            flat=True))
        learners = [
            e for e in Enrolment.objects.filter(
                run_id=survey.run_id, status=Enrolment.Status.CONFIRMED
            ).select_related("user")
            if e.pk not in invited
        ]
        Invitation.objects.bulk_create(
            [Invitation(survey=survey, enrolment=e, invited_on=now.date()) for e in learners],
            batch_size=2000, ignore_conflicts=True,
        )
        outbox_enqueue_many([
            {
                "key": f"survey_invitation:{survey.pk}:{e.pk}",
                "kind": "survey_invitation",
                "recipient": e.user,
                "run": survey.run,
                "context": {"survey": survey.pk, "enrolment": e.pk},
            }
            for e in learners
        ])
    return len(learners)


def survey_close(*, survey: Survey) -> Survey:
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED,
                                               updated_at=timezone.now())
    survey.refresh_from_db()
    return survey


def surveys_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Open surveys that are due (and invite late joiners of open ones); close ended ones."""
    now = now or timezone.now()
    counts = {"opened": 0, "invited": 0, "closed": 0}
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__lte=now):
        survey_close(survey=survey)
        counts["closed"] += 1
    for survey in Survey.objects.filter(
        status__in=[Survey.Status.SCHEDULED, Survey.Status.OPEN],
        opens_at__lte=now, closes_at__gt=now,
    ):
        if survey.status == Survey.Status.SCHEDULED:
            counts["opened"] += 1
        counts["invited"] += survey_open(survey=survey, now=now)
    return counts


def _segments(enrolment: Enrolment) -> dict:
    """What the analysis compares, read when the learner answers."""
    group_size = None
    try:
        membership_model = apps.get_model("grouping", "GroupMembership")
        membership = membership_model.objects.filter(enrolment=enrolment).first()
        if membership is not None:
            group_size = membership_model.objects.filter(group_id=membership.group_id).count()
    except LookupError:
        pass
    completed = None
    try:
        completed = apps.get_model("progress", "RunCompletion").objects.filter(
            enrolment=enrolment).exists()
    except LookupError:
        pass
    return {
        "mode": enrolment.mode,
        "organisation": enrolment.organisation.name if enrolment.organisation_id else "",
        "group_size": group_size,
        "completed": completed,
    }


def _clean_answer(question: Question, raw) -> dict | None:
    """Turn a submitted value into answer fields; None when left empty."""
    where = f"q{question.pk}"
    values = [v for v in (raw if isinstance(raw, list) else [raw]) if v not in (None, "")]
    if not values:
        if question.required:
            raise ApplicationError(_("Answer this question."), field=where)
        return None
    if question.kind == Question.Kind.LIKERT:
        try:
            number = int(values[0])
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= (question.points or 0):
            raise ApplicationError(_("Choose one of the points of the scale."), field=where)
        return {"number": number}
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        chosen = [str(v) for v in values]
        if any(c not in question.options for c in chosen):
            raise ApplicationError(_("Choose among the options shown."), field=where)
        if question.kind == Question.Kind.SINGLE and len(chosen) != 1:
            raise ApplicationError(_("Choose one option."), field=where)
        return {"choices": list(dict.fromkeys(chosen))}
    text = str(values[0]).strip()
    if len(text) > 5000:
        raise ApplicationError(_("Keep the answer under 5000 characters."), field=where)
    if not text:
        if question.required:
            raise ApplicationError(_("Answer this question."), field=where)
        return None
    return {"text": text}


def response_submit(
    *, survey: Survey, enrolment: Enrolment, answers: dict, now: dt.datetime | None = None
) -> Response:
    """Record a learner's one response; `answers` maps "q<id>" to a value or list of values.

    Every answer is checked before anything is written; a second response is refused.
    """
    now = now or timezone.now()
    if survey.status != Survey.Status.OPEN or not survey.opens_at <= now < survey.closes_at:
        raise ApplicationError(_("This survey is not open for answers."))
    questions = list(survey.questions.all())
    cleaned = {q.pk: _clean_answer(q, answers.get(f"q{q.pk}")) for q in questions}
    try:
        with transaction.atomic():
            marked = Invitation.objects.filter(
                survey=survey, enrolment=enrolment, responded=False
            ).update(responded=True)
            if not marked:
                if Invitation.objects.filter(survey=survey, enrolment=enrolment).exists():
                    raise ApplicationError(_("You have answered this survey already."))
                raise ApplicationError(_("You are not invited to this survey."))
            response = Response.objects.create(
                survey=survey,
                enrolment=None if survey.anonymous else enrolment,
                submitted_on=now.date(),
                **_segments(enrolment),
            )
            Answer.objects.bulk_create(
                Answer(response=response, question_id=qid, **fields)
                for qid, fields in cleaned.items()
                if fields is not None
            )
    except IntegrityError:
        raise ApplicationError(_("You have answered this survey already.")) from None
    return response
