"""The tutors' follow-up queue: ordered by risk, contacts, snooze, close, effect, evaluation."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerpath.accounts.models import RunRole
from peerpath.enrollment.models import Enrolment
from peerpath.followup.evaluation import run_score_evaluation
from peerpath.followup.models import Contact, FollowUpCase
from peerpath.followup.selectors import followup_queue, followup_summary
from peerpath.followup.services import case_close, case_snooze
from peerpath.progress.models import RiskScore
from peerpath.progress.services import completion_mark
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 3, 20)
NOW = dt.datetime(2030, 3, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def run():
    run = RunFactory(starts_on=dt.date(2030, 3, 4), timezone="UTC", title="Data for teachers")
    ActivityFactory(module=ModuleFactory(course=run.course, position=1))
    return run


def scored(run, score, name, reasons=()):
    enrolment = EnrolmentFactory(run=run, user__display_name=name)
    RiskScore.objects.create(
        enrolment=enrolment, day=TODAY, run_day=16, score=score,
        reasons=[{"feature": "days_inactive", "contribution": 1.0, "text": r} for r in reasons],
    )
    return enrolment


@pytest.fixture
def tutor(run):
    user = UserFactory(display_name="Tess Tutor")
    RunRole.objects.create(run=run, user=user, role=RunRole.Role.TUTOR)
    return user


@time_machine.travel(NOW, tick=False)
def test_the_queue_is_ordered_by_risk_and_shows_the_reasons(run, tutor, client):
    low = scored(run, 0.1, "Low Risk")
    high = scored(run, 0.9, "High Risk", ["no activity for 12 days"])
    mid = scored(run, 0.5, "Mid Risk")
    rows = followup_queue(run=run, today=TODAY)
    assert [r.enrolment for r in rows] == [high, mid]
    assert low not in [r.enrolment for r in rows]
    client.force_login(tutor)
    page = client.get(reverse("followup:queue", args=[run.pk])).content.decode()
    assert page.index("High Risk") < page.index("Mid Risk")
    assert "no activity for 12 days" in page and "Low Risk" not in page
    learner_client = client.__class__()
    learner_client.force_login(high.user)
    assert learner_client.get(reverse("followup:queue", args=[run.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_contacts_snooze_close_and_the_effect_of_a_contact(run, tutor, client):
    high = scored(run, 0.9, "High Risk")
    other = scored(run, 0.8, "Other Risk")
    client.force_login(tutor)
    url = reverse("followup:case", args=[high.pk])
    bad = client.post(url, {"action": "contact", "channel": "pigeon", "outcome": "reached"})
    assert bad.status_code == 400 and "channel" in bad.content.decode()
    assert not Contact.objects.exists()
    response = client.post(url, {"action": "contact", "channel": "phone",
                                 "outcome": "needs_help", "note": "Busy at work"})
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.by, contact.channel, contact.note) == (tutor, "phone", "Busy at work")
    row = followup_queue(run=run, today=TODAY)[0]
    assert row.effect is not None and not row.effect.came_back

    # the learner does something after the contact: the queue shows they came back
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        completion_mark(enrolment=high, activity=run.course.modules.get().activities.get())
    row = next(r for r in followup_queue(run=run, today=TODAY) if r.enrolment == high)
    assert row.effect.came_back
    assert followup_summary(run=run).came_back == 1

    case_snooze(enrolment=other, until=TODAY + dt.timedelta(days=7), today=TODAY)
    assert other not in [r.enrolment for r in followup_queue(run=run, today=TODAY)]
    later = TODAY + dt.timedelta(days=8)
    assert other in [r.enrolment for r in followup_queue(run=run, today=later)]
    assert [r.enrolment for r in followup_queue(run=run, today=TODAY, show="snoozed")] == [other]

    case_close(enrolment=high, note="Back on track")
    assert high not in [r.enrolment for r in followup_queue(run=run, today=TODAY)]
    assert FollowUpCase.objects.get(enrolment=high).status == "closed"
    refused = client.post(url, {"action": "snooze", "until": TODAY.isoformat()})
    assert refused.status_code == 400 and "after today" in refused.content.decode()


def test_evaluation_reports_how_well_past_scores_predicted_withdrawal(run, tutor, client):
    run.status = "closed"
    run.save()
    stayers = [scored(run, s, f"Stayer {s}") for s in (0.1, 0.2, 0.6)]
    leavers = [scored(run, s, f"Leaver {s}") for s in (0.5, 0.9)]
    for e in stayers + leavers:
        RiskScore.objects.filter(enrolment=e).update(run_day=28)
    Enrolment.objects.filter(pk__in=[e.pk for e in leavers]).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=NOW + dt.timedelta(days=30)
    )
    result = run_score_evaluation(run=run)
    day28 = next(c for c in result.checkpoints if c.day == 28)
    assert (day28.learners, day28.withdrew) == (5, 2)
    assert day28.auc == pytest.approx(5 / 6)  # one stayer (0.6) outranks one leaver (0.5)
    client.force_login(tutor)
    page = client.get(reverse("followup:evaluation", args=[run.course_id])).content.decode()
    assert "0.833" in page
