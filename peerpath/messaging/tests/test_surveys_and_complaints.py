"""Survey messages from the plan's triggers (survey opened, survey left unanswered) and a
provider's spam complaint, each delivered to (or kept from) a real SMTP server on loopback."""

import base64
import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from peerpath.messaging.models import Bounce, OutboxMessage, Suppression
from peerpath.messaging.planner import messages_plan_run
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue, plan_entry_save
from peerpath.surveys.services import response_submit, survey_create, survey_open

pytestmark = pytest.mark.django_db
UTC = dt.UTC
OPENS = dt.datetime(2026, 3, 2, 10, tzinfo=UTC)  # Monday of week 1 of the small run


def open_survey(small_run):
    survey = survey_create(
        run=small_run.run,
        title="How is it going?",
        opens_at=OPENS,
        closes_at=OPENS + dt.timedelta(days=14),
        instrument="open What would you change?",
    )
    survey_open(survey=survey, now=OPENS)
    return survey


def answer(survey, enrolment, now):
    question = survey.questions.get()
    response_submit(
        survey=survey, enrolment=enrolment, answers={f"q{question.pk}": "More time"}, now=now
    )


def test_opening_a_survey_sends_each_learner_a_personal_invitation(small_run, smtp_server):
    with time_machine.travel(OPENS, tick=False):
        open_survey(small_run)
        outbox_deliver_due()
    received = {m.rcpt_tos[0]: m for m in smtp_server.received}
    assert sorted(received) == sorted(e.user.email for e in small_run.enrolments)
    mail = received["learner-1@example.org"]
    assert mail.message["Subject"].startswith("How is it going?")
    assert "/surveys/answer/" in mail.text
    assert "Reminder" not in mail.message["Subject"]


def test_a_survey_invitation_switched_off_in_the_plan_is_kept_back_with_the_reason(
    small_run, smtp_server
):
    plan_entry_save(
        run=small_run.run,
        kind="survey_invitation",
        trigger="survey_opened",
        audience="learners",
        enabled=False,
    )
    with time_machine.travel(OPENS, tick=False):
        open_survey(small_run)
        outbox_deliver_due()
    assert smtp_server.received == []
    rows = OutboxMessage.objects.filter(kind="survey_invitation")
    assert rows.count() == 3
    assert {(r.status, r.last_error) for r in rows} == {
        ("skipped", "switched off in the run's message plan")
    }


def test_unanswered_learners_get_one_reminder_in_their_local_window_and_those_who_answer_none(
    small_run, smtp_server
):
    oslo, chicago, tokyo = small_run.enrolments
    with time_machine.travel(OPENS, tick=False):
        survey = open_survey(small_run)
        outbox_deliver_due()  # the three invitations
    answer(survey, oslo, OPENS + dt.timedelta(hours=2))
    # the tick of the next day plans reminders four days after opening (the default plan),
    # in each learner's 09:00-17:00 window, for those who have not answered
    messages_plan_run(run=small_run.run, now=OPENS + dt.timedelta(days=1))
    reminders = {r.to_email: r for r in OutboxMessage.objects.filter(kind="survey_reminder")}
    assert sorted(reminders) == ["learner-1@example.org", "learner-2@example.org"]
    # Friday 10:00 UTC is 04:00 in Chicago (window opens 09:00 = 15:00 UTC) and 19:00 in
    # Tokyo (window closed until Saturday 09:00 = Friday 24:00 UTC)
    assert reminders["learner-1@example.org"].due_at == dt.datetime(2026, 3, 6, 15, tzinfo=UTC)
    assert reminders["learner-2@example.org"].due_at == dt.datetime(2026, 3, 7, 0, tzinfo=UTC)
    messages_plan_run(run=small_run.run, now=OPENS + dt.timedelta(days=2))
    assert OutboxMessage.objects.filter(kind="survey_reminder").count() == 2  # planned once

    # the Tokyo learner answers on Friday; the next tick withdraws their reminder
    answer(survey, tokyo, dt.datetime(2026, 3, 6, 12, tzinfo=UTC))
    messages_plan_run(run=small_run.run, now=dt.datetime(2026, 3, 6, 13, tzinfo=UTC))
    for moment in (dt.datetime(2026, 3, 6, 15, 1), dt.datetime(2026, 3, 7, 0, 1)):
        with time_machine.travel(moment.replace(tzinfo=UTC), tick=False):
            outbox_deliver_due()
    sent = [m for m in smtp_server.received if "Reminder" in m.message["Subject"]]
    assert [m.rcpt_tos for m in sent] == [["learner-1@example.org"]]
    assert "We have not yet had your answers" in sent[0].text
    withdrawn = OutboxMessage.objects.get(kind="survey_reminder", to_email=tokyo.user.email)
    assert withdrawn.status == "cancelled"
    assert "answered" in withdrawn.last_error


def complaint(email: str) -> dict:
    """Postmark's spam-complaint webhook body, as anymail receives it."""
    return {
        "RecordType": "SpamComplaint",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "ServerID": 23,
        "Description": "The subscriber explicitly marked this message as spam.",
        "Details": "Test spam complaint details",
        "Email": email,
        "From": "courses@example.org",
        "BouncedAt": "2026-03-02T12:00:00Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Welcome",
        "Content": "",
    }


def test_a_spam_complaint_through_the_provider_webhook_stops_all_mail_to_the_address(
    small_run, smtp_server, settings
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    learner = small_run.enrolments[0]
    other = small_run.enrolments[1]

    def welcome(enrolment, key):
        return outbox_enqueue(
            key=key,
            kind="welcome",
            recipient=enrolment.user,
            run=small_run.run,
            context={"enrolment": enrolment.pk},
        )

    welcome(learner, "welcome-before")
    outbox_deliver_due()
    assert [m.rcpt_tos for m in smtp_server.received] == [[learner.user.email]]
    queued = welcome(learner, "queued-before-the-complaint")  # not yet delivered

    auth = "Basic " + base64.b64encode(b"hook:secret").decode()
    response = Client().post(
        "/anymail/postmark/tracking/",
        json.dumps(complaint(learner.user.email.upper())),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    suppression = Suppression.objects.get(email=learner.user.email)
    assert suppression.reason == "complaint"
    bounce = Bounce.objects.get()
    assert (bounce.severity, bounce.source) == ("complaint", "anymail:Postmark")

    # the row queued before the complaint and any row queued after it are kept back with
    # the reason; other learners still get their mail
    after = welcome(learner, "queued-after-the-complaint")
    assert after.status == "skipped"
    welcome(other, "other-learner")
    outbox_deliver_due()
    assert [m.rcpt_tos for m in smtp_server.received] == [
        [learner.user.email],
        [other.user.email],
    ]
    queued.refresh_from_db()
    assert queued.status == "skipped"
    assert queued.last_error == "suppressed address (complaint)"
