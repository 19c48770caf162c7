"""The periodic planner of timed messages, with time travel: reminders before meetings that
follow a moved meeting, briefings to leaders and facilitators, nudges after inactivity."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from peerpath.meetings.models import Meeting
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.planner import messages_plan_run
from peerpath.messaging.services import outbox_deliver_due, plan_entry_save

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def rows(kind):
    return OutboxMessage.objects.filter(kind=kind).order_by("to_email")


def test_reminders_and_briefings_are_planned_before_each_meeting_for_the_right_people(small_run):
    # Sunday 1 March, the day before the run: week 1 meets Wednesday 4 March 18:00 UTC
    result = messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    assert result["new"] > 0
    week1 = small_run.meetings[0]
    reminders = rows("meeting_reminder").filter(context__meeting=week1.pk)
    assert reminders.count() == 3
    assert {r.due_at for r in reminders} == {week1.starts_at - dt.timedelta(hours=24)}
    [briefing] = rows("leader_briefing").filter(context__meeting=week1.pk)
    assert briefing.recipient == small_run.enrolments[0].user  # the week's leader only
    assert briefing.due_at == week1.starts_at - dt.timedelta(hours=48)
    again = messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    assert again == {"new": 0, "retimed": 0, "cancelled": 0}
    # the facilitator visits week 2 only; its briefing enters the eight-day horizon later
    assert not rows("facilitator_briefing").exists()
    messages_plan_run(run=small_run.run, now=at(2026, 3, 2, 12))
    [visit] = rows("facilitator_briefing")
    assert visit.recipient == small_run.facilitator
    assert visit.context["meeting"] == small_run.meetings[1].pk
    assert visit.send_tz == "Europe/Paris"


def test_a_moved_meeting_moves_its_pending_reminders_and_they_go_out_at_the_new_time(
    small_run, smtp_server
):
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    week1 = small_run.meetings[0]
    new_start = week1.starts_at + dt.timedelta(days=1, hours=1)  # Thursday 19:00 UTC
    Meeting.objects.filter(pk=week1.pk).update(
        starts_at=new_start, ends_at=new_start + dt.timedelta(hours=1)
    )
    result = messages_plan_run(run=small_run.run, now=at(2026, 3, 2, 12))
    assert result["retimed"] >= 4  # three reminders and the leader's briefing
    reminders = rows("meeting_reminder").filter(context__meeting=week1.pk)
    assert {r.due_at for r in reminders} == {new_start - dt.timedelta(hours=24)}
    # at the old reminder time nothing goes out; at the new one all three
    with time_machine.travel(week1.starts_at - dt.timedelta(hours=24, minutes=-1), tick=False):
        outbox_deliver_due()
        assert [r for r in smtp_server.received if "meets" in r.message["Subject"]] == []
    with time_machine.travel(new_start - dt.timedelta(hours=24, minutes=-1), tick=False):
        outbox_deliver_due()
    sent = [r for r in smtp_server.received if "Your group meets" in r.message["Subject"]]
    assert len(sent) == 3
    oslo = next(r for r in sent if r.rcpt_tos == ["learner-0@example.org"])
    assert "Thursday 5 March 2026, 20:00 (Europe/Oslo)" in oslo.text
    tokyo = next(r for r in sent if r.rcpt_tos == ["learner-2@example.org"])
    assert "Friday 6 March 2026, 04:00 (Asia/Tokyo)" in tokyo.text


def test_a_cancelled_meeting_cancels_its_pending_reminders(small_run):
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    week1 = small_run.meetings[0]
    Meeting.objects.filter(pk=week1.pk).update(status=Meeting.Status.CANCELLED)
    result = messages_plan_run(run=small_run.run, now=at(2026, 3, 2, 12))
    assert result["cancelled"] == 4
    cancelled = OutboxMessage.objects.filter(context__meeting=week1.pk)
    assert {m.status for m in cancelled} == {"cancelled"}
    assert all(m.last_error == "planner: the meeting was cancelled" for m in cancelled)


def test_a_learner_who_left_the_run_gets_no_more_reminders(small_run):
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    leaver = small_run.enrolments[1]
    leaver.status = "withdrawn"
    leaver.save()
    messages_plan_run(run=small_run.run, now=at(2026, 3, 2, 12))
    statuses = set(
        OutboxMessage.objects.filter(recipient=leaver.user).values_list("status", flat=True)
    )
    assert statuses == {"cancelled"}


def test_an_edited_offset_retimes_pending_reminders(small_run):
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    plan_entry_save(
        run=small_run.run,
        kind="meeting_reminder",
        trigger="before_meeting",
        audience="learners",
        offset_hours=2,
    )
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 13))
    week1 = small_run.meetings[0]
    assert {r.due_at for r in rows("meeting_reminder").filter(context__meeting=week1.pk)} == {
        week1.starts_at - dt.timedelta(hours=2)
    }


def test_the_weekly_mail_says_what_to_do_who_leads_and_when_in_local_time(small_run, smtp_server):
    messages_plan_run(run=small_run.run, now=at(2026, 3, 1, 12))
    # weeks 1 and 2 (from Monday 9 March 00:00 in Oslo) lie within the eight-day horizon
    assert rows("weekly_module").count() == 6
    with time_machine.travel(at(2026, 3, 2, 14, 30), tick=False):  # 08:30 in Chicago
        outbox_deliver_due()
    [chicago] = [r for r in smtp_server.received if r.rcpt_tos == ["learner-1@example.org"]]
    assert chicago.message["Subject"].startswith("Week 1 of")
    text = chicago.text
    assert "Read chapter 1" in text and "Exercise 1" in text
    assert "Wednesday 4 March 2026, 12:00 (America/Chicago)" in text
    assert f"Discussion leader: {small_run.enrolments[0].user.name}" in text
    assert "/done/" in text or "Done? One click:" in text
    html = chicago.message.get_body(preferencelist=("html",)).get_content()
    assert "Read chapter 1" in html
    assert chicago.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert chicago.message["List-Unsubscribe"].startswith("<http")


def test_a_learner_quiet_for_ten_days_gets_one_nudge_and_none_once_active(small_run):
    from peerpath.accounts.models import User
    from peerpath.enrollment.models import Enrolment

    Enrolment.objects.update(confirmed_at=at(2026, 2, 20))
    start_rows = messages_plan_run(run=small_run.run, now=at(2026, 3, 10, 12))
    assert not rows("inactivity_nudge").exists(), start_rows  # 8 days: not yet
    messages_plan_run(run=small_run.run, now=at(2026, 3, 12, 12))
    assert rows("inactivity_nudge").count() == 3
    nudge = rows("inactivity_nudge").first()
    # inside the 09–17 local window of each learner
    assert nudge.window_start == dt.time(9)
    # a second tick the same quiet spell writes nothing more
    messages_plan_run(run=small_run.run, now=at(2026, 3, 12, 13))
    assert rows("inactivity_nudge").count() == 3
    # one learner signs in: their pending nudge is cancelled
    active = small_run.enrolments[2]
    User.objects.filter(pk=active.user_id).update(last_login=at(2026, 3, 12, 14))
    OutboxMessage.objects.filter(kind="inactivity_nudge").update(due_at=at(2026, 3, 13, 9))
    messages_plan_run(run=small_run.run, now=at(2026, 3, 12, 15))
    statuses = dict(rows("inactivity_nudge").values_list("recipient_id", "status"))
    assert statuses[active.user_id] == "cancelled"
    assert sorted(statuses.values()).count("pending") == 2


def test_time_travel_through_a_week_sends_each_message_once(small_run, smtp_server):
    moment = at(2026, 3, 1, 0)
    while moment < at(2026, 3, 10, 0):
        with time_machine.travel(moment, tick=False):
            messages_plan_run(run=small_run.run, now=timezone.now())
            outbox_deliver_due()
        moment += dt.timedelta(hours=2)
    keys = [r.message["Message-ID"] for r in smtp_server.received]
    assert len(keys) == len(set(keys))
    kinds = OutboxMessage.objects.filter(status="sent").values_list("kind", flat=True)
    assert sorted(set(kinds)) == [
        "facilitator_briefing",
        "leader_briefing",
        "meeting_reminder",
        "weekly_module",
    ]
