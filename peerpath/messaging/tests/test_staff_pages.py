"""Staff pages: a run's outbox (counts, failures, retry, cancel), its plan, and the template
editor with preview for any learner and test-send to oneself."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from peerpath.messaging.models import MessageTemplate, OutboxMessage, PlanEntry
from peerpath.messaging.plan import run_weekly_messages_plan
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(small_run):
    client = Client()
    client.force_login(small_run.instructor)
    return client


# A Wednesday noon (UTC) of the run's first week: no learner's Monday-morning window is open, so
# the weekly mails wait whatever the real clock says.
@time_machine.travel(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC))
def test_the_run_outbox_counts_by_message_and_status_and_shows_failures(
    small_run, staff, smtp_server
):
    run_weekly_messages_plan(run=small_run.run, weeks=[1])
    learner = small_run.enrolments[0]
    outbox_enqueue(
        key="w",
        kind="welcome",
        recipient=learner.user,
        run=small_run.run,
        context={"enrolment": learner.pk},
    )
    smtp_server.handler.fail_next.append("550 5.1.1 No such mailbox")
    outbox_deliver_due()
    page = staff.get(f"/messages/runs/{small_run.run.slug}/outbox/")
    assert page.status_code == 200
    by_kind = {row["kind"]: row for row in page.context["by_kind"]}
    assert by_kind["weekly_module"]["pending"] == 3
    assert by_kind["welcome"]["failed"] == 1
    assert b"550 5.1.1 No such mailbox" in page.content
    failed = OutboxMessage.objects.get(key="w")
    # retry the failure: it goes out
    staff.post(
        f"/messages/runs/{small_run.run.slug}/outbox/", {"action": "retry", "ids": [failed.pk]}
    )
    outbox_deliver_due()
    failed.refresh_from_db()
    assert failed.status == "sent"
    opened = staff.get(f"/messages/outbox/{failed.pk}/")
    assert failed.body_text.splitlines()[0].encode() in opened.content
    # cancel the pending weekly mails
    ids = list(OutboxMessage.objects.filter(kind="weekly_module").values_list("pk", flat=True))
    staff.post(f"/messages/runs/{small_run.run.slug}/outbox/", {"action": "cancel", "ids": ids})
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_a_learner_cannot_see_the_run_outbox_or_edit_the_plan(small_run):
    client = Client()
    client.force_login(small_run.enrolments[0].user)
    assert client.get(f"/messages/runs/{small_run.run.slug}/outbox/").status_code == 404
    assert client.get(f"/messages/runs/{small_run.run.slug}/plan/welcome/").status_code == 404


def test_staff_edit_a_plan_entry_and_bad_input_names_the_field(small_run, staff):
    url = f"/messages/runs/{small_run.run.slug}/plan/meeting_reminder/"
    assert staff.get(url).status_code == 200
    bad = staff.post(
        url,
        {
            "enabled": "on",
            "trigger": "before_meeting",
            "audience": "learners",
            "offset_hours": 0,
            "after_days": 0,
        },
    )
    assert bad.status_code == 200
    assert "offset_hours" in bad.context["form"].errors
    assert not PlanEntry.objects.exists()
    ok = staff.post(
        url,
        {
            "enabled": "on",
            "trigger": "before_meeting",
            "audience": "learners",
            "offset_hours": 3,
            "after_days": 0,
            "window_start": "07:00",
            "window_end": "21:00",
        },
    )
    assert ok.status_code == 302
    entry = PlanEntry.objects.get(kind="meeting_reminder")
    assert entry.offset_hours == 3 and str(entry.window_start) == "07:00:00"
    plan = staff.get(f"/messages/runs/{small_run.run.slug}/plan/")
    assert b"07:00" in plan.content


def test_a_template_edit_overrides_the_file_for_the_run_and_its_language(
    small_run, staff, smtp_server
):
    url = f"/messages/runs/{small_run.run.slug}/templates/welcome/"
    page = staff.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["body_text"]  # starts from the built-in text
    learner = small_run.enrolments[1]
    saved = staff.post(
        url,
        {
            "action": "save",
            "language": "",
            "learner": learner.user.email,
            "subject": "Welcome to {{ run.title }}, {{ recipient.name }}",
            "body_text": "Dear {{ recipient.name }}, see you in {{ run.title }}.",
            "body_html": "<p>Dear <b>{{ recipient.name }}</b></p>",
        },
    )
    assert saved.status_code == 302
    assert MessageTemplate.objects.filter(run=small_run.run, kind="welcome").exists()
    outbox_enqueue(
        key="welcome",
        kind="welcome",
        recipient=learner.user,
        run=small_run.run,
        context={"enrolment": learner.pk},
    )
    outbox_deliver_due()
    [received] = smtp_server.received
    assert received.message["Subject"] == (f"Welcome to {small_run.run.title}, {learner.user.name}")
    assert received.text.startswith(f"Dear {learner.user.name}, see you in")


def test_a_template_with_a_syntax_error_is_refused_with_field_and_line(small_run, staff):
    url = f"/messages/runs/{small_run.run.slug}/templates/welcome/"
    response = staff.post(
        url,
        {
            "action": "save",
            "language": "nb",
            "subject": "Hei",
            "body_text": "Hei {{ recipient.name }}\n\n{% if run %}\nno end",
            "body_html": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["body_text"]
    assert "line" in errors[0]
    assert not MessageTemplate.objects.exists()


def test_preview_for_any_learner_and_test_send_to_oneself(small_run, staff, smtp_server):
    url = f"/messages/runs/{small_run.run.slug}/templates/weekly_module/"
    tokyo = small_run.enrolments[2]
    preview = staff.get(url, {"learner": tokyo.user.email})
    assert preview.status_code == 200
    rendered = preview.context["preview"]
    assert "(Asia/Tokyo)" in rendered.text
    assert tokyo.user.name in rendered.text
    form = preview.context["form"].initial
    sent = staff.post(
        url,
        {
            "action": "test",
            "learner": tokyo.user.email,
            "language": "",
            "subject": form["subject"],
            "body_text": form["body_text"],
            "body_html": form["body_html"],
        },
    )
    assert sent.status_code == 200
    [received] = smtp_server.received
    assert received.rcpt_tos == [small_run.instructor.email]
    assert received.message["Subject"].startswith("[Test] Week")
    assert "(Asia/Tokyo)" in received.text
    assert not OutboxMessage.objects.filter(to_email=tokyo.user.email).exists()


def test_the_mail_command_suppresses_by_hand(small_run):
    from django.core.management import call_command

    from peerpath.messaging.models import Suppression

    user = UserFactory(email="Someone@Example.org")
    call_command("mail", "suppress", user.email)
    assert Suppression.objects.filter(email="someone@example.org", reason="manual").exists()
    call_command("mail", "suppress", user.email, "--remove")
    assert not Suppression.objects.exists()
