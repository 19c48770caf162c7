"""Surveys from instrument to results: invitations through a real SMTP server, one response
per learner by a personal link, anonymity, reminders' selector, results and the CSV export."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import outbox_deliver_due
from peerpath.surveys import selectors, services
from peerpath.surveys.models import Invitation, Response, Survey
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    RunFactory,
    RunRoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INSTRUMENT = """# mid-run survey
likert4 [interaction] The group meetings helped me learn.
likert4 [interaction] I talked about the course with colleagues.
single How did you join? | Alone / With colleagues
multiple? Which parts did you use? | Videos / Readings / Meetings
open? What would you change?
"""


@pytest.fixture
def run():
    return RunFactory(title="Mathematics for teachers", slug="maths")


def make_survey(run, *, anonymous=True, minimum=2, **extra):
    now = timezone.now()
    return services.survey_create(
        run=run, title="Mid-run survey", instrument=INSTRUMENT, anonymous=anonymous,
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7),
        minimum_segment=minimum, **extra,
    )


def answers_for(survey, likert=(3, 4), join="Alone", parts=("Videos",), text=""):
    q = list(survey.questions.order_by("position"))
    return {f"q{q[0].pk}": str(likert[0]), f"q{q[1].pk}": str(likert[1]), f"q{q[2].pk}": join,
            f"q{q[3].pk}": list(parts), f"q{q[4].pk}": text}


def test_instrument_text_becomes_questions_with_default_labels(run):
    survey = make_survey(run)
    questions = list(survey.questions.order_by("position"))
    assert [q.kind for q in questions] == ["likert", "likert", "single", "multiple", "open"]
    assert questions[0].points == 4 and questions[0].scale == "interaction"
    assert questions[0].labels == ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
    assert questions[2].options == ["Alone", "With colleagues"]
    assert questions[3].required is False and questions[4].required is False


def test_bad_instrument_lines_are_named_and_nothing_is_written(run):
    now = timezone.now()
    with pytest.raises(ApplicationError) as caught:
        services.survey_create(
            run=run, title="Broken", opens_at=now, closes_at=now + dt.timedelta(days=1),
            instrument="likert5 Fine item\nlikert7 Seven points?\nsingle Pick one | Only\n"
                       "likert4 Labels | a / b / c\nopen [scale] Why?",
        )
    assert caught.value.field == "instrument"
    where = dict(caught.value.errors)
    assert set(where) == {"line 2", "line 3", "line 4", "line 5"}
    assert "4 labels, not 3" in where["line 4"]
    assert not Survey.objects.exists()


def test_a_survey_must_close_after_it_opens(run):
    now = timezone.now()
    with pytest.raises(ApplicationError) as caught:
        services.survey_create(run=run, title="x", opens_at=now, closes_at=now,
                               instrument="open Why?")
    assert caught.value.field == "closes_at"


def test_opening_invites_confirmed_learners_once_through_the_outbox_and_smtp(run, smtp_server):
    learners = EnrolmentFactory.create_batch(3, run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.PENDING)
    survey = make_survey(run)
    assert services.survey_open(survey=survey) == 3
    assert services.survey_open(survey=survey) == 0  # idempotent
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == 3
    late = EnrolmentFactory(run=run)
    assert services.surveys_tick()["invited"] == 1  # a late joiner is invited on the next tick
    outbox_deliver_due()
    received = smtp_server.received
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(
        [e.user.email for e in learners] + [late.user.email])
    mail = received[0]
    assert "Mid-run survey" in mail.message["Subject"]
    assert "anonymous" in mail.text
    assert re.search(r"/surveys/answer/\S+/", mail.text)


def test_the_tick_opens_due_surveys_and_closes_ended_ones(run):
    EnrolmentFactory(run=run)
    now = timezone.now()
    due = services.survey_create(run=run, title="Due", instrument="open Why?",
                                 opens_at=now - dt.timedelta(minutes=5),
                                 closes_at=now + dt.timedelta(days=1))
    later = services.survey_create(run=run, title="Later", instrument="open Why?",
                                   opens_at=now + dt.timedelta(days=2),
                                   closes_at=now + dt.timedelta(days=9))
    assert services.surveys_tick(now=now) == {"opened": 1, "invited": 1, "closed": 0}
    later.refresh_from_db()
    assert later.status == Survey.Status.SCHEDULED
    assert services.surveys_tick(now=now + dt.timedelta(days=1, minutes=1))["closed"] == 1
    due.refresh_from_db()
    assert due.status == Survey.Status.CLOSED


def test_a_learner_answers_once_by_the_personal_link_without_signing_in(client, run):
    enrolment = EnrolmentFactory(run=run, mode=Enrolment.Mode.WITH_COLLEAGUES)
    survey = make_survey(run)
    services.survey_open(survey=survey)
    token = services.survey_answer_token(survey=survey, enrolment=enrolment)
    url = reverse("surveys:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Strongly agree" in page.content.decode()
    missing = client.post(url, {})  # required questions left empty
    assert missing.status_code == 400
    assert "Answer this question." in missing.content.decode()
    assert not Response.objects.exists()
    data = answers_for(survey, join="With colleagues", parts=("Videos", "Meetings"),
                       text="More time to talk")
    done = client.post(url, data)
    assert "Your answers are recorded" in done.content.decode()
    again = client.post(url, data)
    assert "answered this survey already" in again.content.decode()
    response = Response.objects.get()
    assert response.enrolment is None  # anonymous
    assert response.mode == Enrolment.Mode.WITH_COLLEAGUES
    assert {a.question.kind: (a.number, a.choices, a.text) for a in response.answers.all()}[
        "multiple"] == (None, ["Videos", "Meetings"], "")
    assert Invitation.objects.get().responded is True
    assert list(selectors.unanswered(survey)) == []


def test_a_tampered_link_is_refused(client, run):
    response = client.get(reverse("surveys:answer", args=["not-a-token"]))
    assert response.status_code == 400


def test_out_of_range_and_unknown_answers_are_refused(run):
    enrolment = EnrolmentFactory(run=run)
    survey = make_survey(run)
    services.survey_open(survey=survey)
    bad = answers_for(survey, likert=(5, 1))  # a 4-point item
    with pytest.raises(ApplicationError, match="points of the scale") as caught:
        services.response_submit(survey=survey, enrolment=enrolment, answers=bad)
    assert caught.value.field == f"q{survey.questions.get(position=1).pk}"
    with pytest.raises(ApplicationError, match="options shown"):
        services.response_submit(survey=survey, enrolment=enrolment,
                                 answers=answers_for(survey, join="By boat"))
    assert not Response.objects.exists()
    assert Invitation.objects.get().responded is False


def test_learners_not_invited_or_after_closing_cannot_answer(run):
    survey = make_survey(run)
    services.survey_open(survey=survey)
    stranger = EnrolmentFactory(run=run)  # joined after opening, not yet invited
    with pytest.raises(ApplicationError, match="not invited"):
        services.response_submit(survey=survey, enrolment=stranger, answers=answers_for(survey))
    services.survey_close(survey=survey)
    with pytest.raises(ApplicationError, match="not open"):
        services.response_submit(survey=survey, enrolment=stranger, answers=answers_for(survey))


def test_unanswered_lists_invited_learners_still_in_the_run(run):
    a, b, c = EnrolmentFactory.create_batch(3, run=run)
    survey = make_survey(run)
    services.survey_open(survey=survey)
    services.response_submit(survey=survey, enrolment=a, answers=answers_for(survey))
    c.status = Enrolment.Status.WITHDRAWN
    c.save()
    assert list(selectors.unanswered(survey)) == [b]


def populate(run, survey):
    """Eight learners with colleagues who agree, six alone who disagree, one odd organisation."""
    school = OrganisationFactory(name="Nordby school")
    for i in range(8):
        e = EnrolmentFactory(run=run, mode=Enrolment.Mode.WITH_COLLEAGUES, organisation=school)
        Invitation.objects.create(survey=survey, enrolment=e, invited_on=timezone.now().date())
        services.response_submit(survey=survey, enrolment=e, answers=answers_for(
            survey, likert=(3 + i % 2, 4), join="With colleagues", text=f"team idea {i}"))
    for i in range(6):
        e = EnrolmentFactory(run=run)
        Invitation.objects.create(survey=survey, enrolment=e, invited_on=timezone.now().date())
        services.response_submit(survey=survey, enrolment=e, answers=answers_for(
            survey, likert=(1 + i % 2, 2), join="Alone", text=f"alone idea {i}"))
    for _ in range(6):  # invited, never answered
        e = EnrolmentFactory(run=run)
        Invitation.objects.create(survey=survey, enrolment=e, invited_on=timezone.now().date())


def test_results_give_rate_alpha_and_segment_comparison(run):
    survey = make_survey(run, minimum=5)
    survey.status = Survey.Status.OPEN
    survey.save()
    populate(run, survey)
    results = selectors.survey_results(survey=survey, segment="mode")
    assert (results.invited, results.responded) == (20, 14)
    assert results.rate == pytest.approx(0.7)
    first = results.items[0]
    assert first.summary.n == 14
    comparison = first.comparison
    assert comparison.test == "Mann-Whitney U"
    assert set(comparison.summaries) == {"Together with colleagues", "On my own"}
    assert comparison.effect == pytest.approx(1.0)  # every colleague-joiner agrees more
    assert comparison.p < 0.01
    assert results.items[2].choices == {"Alone": 6, "With colleagues": 8}
    (scale,) = results.scales
    assert scale.name == "interaction" and scale.reliability.n == 14
    listed, refused = results.open_answers[survey.questions.get(position=5).pk]
    assert len(listed["Together with colleagues"]) == 8 and refused == {}
    by_organisation = selectors.survey_results(survey=survey, segment="organisation")
    assert by_organisation.items[0].comparison.refused == {}
    assert set(by_organisation.items[0].comparison.summaries) == {"Nordby school", "unknown"}


def test_small_segments_are_refused(run):
    survey = make_survey(run, minimum=7)
    survey.status = Survey.Status.OPEN
    survey.save()
    populate(run, survey)
    comparison = selectors.survey_results(survey=survey).items[0].comparison
    assert comparison.refused == {"On my own": 6}
    assert comparison.test == ""


def test_the_responses_export_of_an_anonymous_survey_names_nobody(client, run):
    staff = StaffFactory()
    survey = make_survey(run)
    survey.status = Survey.Status.OPEN
    survey.save()
    populate(run, survey)
    client.force_login(staff)
    content = b"".join(client.get(reverse("surveys:responses_csv", args=[survey.pk]))).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["response_id", "submitted_on", "mode", "group_size", "completed",
                       "q1", "q2", "q3", "q4", "q5"]
    assert len(rows) == 15
    assert "@" not in content and "Nordby" not in content


def test_the_responses_export_of_an_identified_survey_names_the_learner(client, run):
    survey = make_survey(run, anonymous=False)
    enrolment = EnrolmentFactory(run=run)
    services.survey_open(survey=survey)
    services.response_submit(survey=survey, enrolment=enrolment, answers=answers_for(survey))
    client.force_login(StaffFactory())
    content = b"".join(client.get(reverse("surveys:responses_csv", args=[survey.pk]))).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["response_id", "enrolment_id", "learner_email"]
    assert rows[1][2] == enrolment.user.email


def test_staff_schedule_a_survey_on_the_run_page_and_learners_cannot(client, run):
    instructor = UserFactory()
    RunRoleFactory(run=run, user=instructor, role="instructor")
    client.force_login(instructor)
    url = reverse("surveys:run_surveys", args=[run.slug])
    page = client.post(url, {
        "title": "End of run", "anonymous": "on", "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-01-24T09:00", "minimum_segment": "5",
        "instrument": "likert5 Useful?\nbogus line",
    })
    assert "line 2:" in page.content.decode()
    assert not Survey.objects.exists()
    page = client.post(url, {
        "title": "End of run", "anonymous": "on", "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-01-24T09:00", "minimum_segment": "5", "instrument": "likert5 Useful?",
    })
    assert page.status_code == 302
    survey = Survey.objects.get()
    assert survey.opens_at == dt.datetime(2030, 1, 10, 8, 0, tzinfo=dt.UTC)  # Oslo winter time
    learner = EnrolmentFactory(run=run).user
    client.force_login(learner)
    assert client.get(url).status_code == 404
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 404
