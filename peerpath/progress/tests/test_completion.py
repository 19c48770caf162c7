"""Completion rules per run, the learner's path, completion rates and last activity."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerpath.courses.models import Activity
from peerpath.enrollment.models import Enrolment
from peerpath.messaging.models import OutboxMessage
from peerpath.progress.completion import run_completion_evaluate_run
from peerpath.progress.models import CompletionRule, RunCompletion
from peerpath.progress.rules import LearnerFacts, RulePolicy, rule_evaluate
from peerpath.progress.selectors import last_activity_at, learner_path, run_completion_rates
from peerpath.progress.services import completion_mark, completion_unmark
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2030, 3, 4)
T = dt.datetime(2030, 3, 5, 12, tzinfo=dt.UTC)


@pytest.fixture
def run():
    run = RunFactory(starts_on=MONDAY, timezone="UTC")
    for week in (1, 2, 3):
        module = ModuleFactory(course=run.course, position=week, title=f"Topic {week}")
        ActivityFactory(module=module, title=f"Read {week}", position=1)
        ActivityFactory(module=module, title=f"Extra {week}", position=2, required=False)
    return run


def required(run):
    return list(Activity.objects.filter(module__course=run.course, required=True).order_by("pk"))


def test_pure_rule_needs_every_required_activity_the_meeting_share_and_the_assessments():
    t = [dt.datetime(2030, 1, d, tzinfo=dt.UTC) for d in range(1, 8)]
    policy = RulePolicy(required=frozenset({1, 2}), min_meeting_share=0.66,
                        assessments=frozenset({9}))
    facts = LearnerFacts(done={1: t[0], 2: t[3]}, meetings_held=3, attended=(t[1], t[4]))
    outcome = rule_evaluate(policy, facts)
    assert not outcome.met and outcome.missing_assessments == {9}
    assert outcome.reasons == ["1 assessments not passed"]
    facts = LearnerFacts(done={1: t[0], 2: t[3], 9: t[2]}, meetings_held=3, attended=(t[1], t[4]))
    outcome = rule_evaluate(policy, facts)
    assert outcome.met and outcome.completed_at == t[4]  # the second meeting attended
    few = LearnerFacts(done={1: t[0], 2: t[3], 9: t[2]}, meetings_held=3, attended=(t[1],))
    assert not rule_evaluate(policy, few).met
    with pytest.raises(ValueError):
        RulePolicy(required=frozenset(), min_meeting_share=1.5)


@time_machine.travel(T, tick=False)
def test_doing_the_last_required_activity_completes_the_run_with_its_date_and_mail(run):
    learner = EnrolmentFactory(run=run)
    first, second, third = required(run)
    early = dt.datetime(2030, 3, 4, 8, tzinfo=dt.UTC)
    completion_mark(enrolment=learner, activity=first, now=early)
    completion_mark(enrolment=learner, activity=second, now=early)
    assert not RunCompletion.objects.exists()
    done_at = dt.datetime(2030, 3, 5, 9, tzinfo=dt.UTC)
    completion_mark(enrolment=learner, activity=third, now=done_at)
    recorded = RunCompletion.objects.get(enrolment=learner)
    assert recorded.completed_at == done_at
    assert OutboxMessage.objects.filter(kind="completion", recipient=learner.user).count() == 1
    # completion stays recorded (a badge may rest on it); marking again sends nothing new
    completion_unmark(enrolment=learner, activity=third)
    completion_mark(enrolment=learner, activity=third)
    assert RunCompletion.objects.filter(enrolment=learner).count() == 1
    assert OutboxMessage.objects.filter(kind="completion").count() == 1


@time_machine.travel(T, tick=False)
def test_a_rule_with_chosen_activities_and_an_assessment(run):
    first, second, third = required(run)
    rule = CompletionRule.objects.create(run=run)
    rule.required_activities.set([first])
    rule.assessments.set([third])
    learner = EnrolmentFactory(run=run)
    completion_mark(enrolment=learner, activity=first)
    assert not RunCompletion.objects.exists()
    completion_mark(enrolment=learner, activity=third, source="xapi")
    assert RunCompletion.objects.filter(enrolment=learner).exists()


@time_machine.travel(T, tick=False)
def test_a_meeting_share_rule_waits_for_attendance(run):
    rule = CompletionRule.objects.create(run=run, min_meeting_percent=50)
    learner = EnrolmentFactory(run=run)
    for activity in required(run):
        completion_mark(enrolment=learner, activity=activity)
    assert not RunCompletion.objects.exists()  # no meeting held, so no share reached
    assert run_completion_evaluate_run(run=run) == 0
    assert rule.min_meeting_percent == 50


@time_machine.travel(dt.datetime(2030, 3, 13, 12, tzinfo=dt.UTC), tick=False)
def test_the_path_shows_done_due_this_week_and_missed(run, client):
    learner = EnrolmentFactory(run=run)
    week1, week2, _week3 = required(run)
    completion_mark(enrolment=learner, activity=week2)
    path = learner_path(enrolment=learner, now=dt.datetime.now(dt.UTC))
    states = {row.activity.title: row.state for m in path.modules for row in m.activities}
    assert path.week == 2
    assert states == {
        "Read 1": "missed", "Extra 1": "ahead",  # optional work is never "missed"
        "Read 2": "done", "Extra 2": "due",
        "Read 3": "ahead", "Extra 3": "ahead",
    }
    client.force_login(learner.user)
    page = client.get(reverse("learner_path", args=[learner.pk])).content.decode()
    assert "1 done · 1 due this week · 1 missed" in page
    other = EnrolmentFactory(run=run)
    assert client.get(reverse("learner_path", args=[other.pk])).status_code == 404


@time_machine.travel(T, tick=False)
def test_completion_rates_against_all_enrolled_and_against_those_who_started(run, client):
    finisher, starter, idle, gone = (EnrolmentFactory(run=run) for _ in range(4))
    EnrolmentFactory(run=run, status=Enrolment.Status.PENDING, confirmed_at=None)
    for activity in required(run):
        completion_mark(enrolment=finisher, activity=activity)
    completion_mark(enrolment=starter, activity=required(run)[0])
    Enrolment.objects.filter(pk=gone.pk).update(status=Enrolment.Status.WITHDRAWN)
    rates = run_completion_rates(run=run)
    assert (rates.enrolled, rates.started, rates.completed) == (4, 2, 1)
    assert rates.of_enrolled == 0.25 and rates.of_started == 0.5
    client.force_login(StaffFactory())
    page = client.get(reverse("run_progress", args=[run.pk])).content.decode()
    assert "25 %" in page and "50 %" in page
    assert idle.pk


def test_last_activity_is_the_latest_of_completions_and_sign_in(run):
    learner, quiet = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    completion_mark(enrolment=learner, activity=required(run)[0], now=T)
    later = T + dt.timedelta(days=2)
    learner.user.last_login = later
    learner.user.save(update_fields=["last_login"])
    assert last_activity_at([learner, quiet.pk]) == {learner.pk: later, quiet.pk: None}
