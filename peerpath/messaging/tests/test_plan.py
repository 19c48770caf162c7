"""Message plans: local send windows when rows are written, kinds switched off, unsubscribed
and suppressed recipients, all checked again at delivery."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from peerpath.common.errors import ApplicationError
from peerpath.messaging.models import OutboxMessage, Unsubscription
from peerpath.messaging.plan import run_weekly_messages_plan
from peerpath.messaging.policy import DEFAULT_PLAN, policy_for, run_plan
from peerpath.messaging.services import (
    outbox_deliver_due,
    outbox_enqueue,
    plan_entry_save,
    suppression_add,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_a_new_run_follows_the_default_plan_without_any_rows():
    from tests.factories import RunFactory

    run = RunFactory()
    plan = {p.kind: p for p in run_plan(run=run)}
    for kind in (
        "welcome",
        "group_intro",
        "weekly_module",
        "meeting_reminder",
        "leader_briefing",
        "inactivity_nudge",
        "facilitator_briefing",
    ):
        assert plan[kind].enabled, kind
        assert not plan[kind].edited
    assert plan["weekly_module"].window_start == dt.time(8)
    assert plan["leader_briefing"].audience == "leaders"
    assert "signin_link" not in plan  # transactional: not part of a plan


def test_weekly_mail_is_due_at_eight_in_each_learners_own_timezone(small_run):
    assert run_weekly_messages_plan(run=small_run.run) == 9
    by_tz = {
        m.send_tz: m.due_at
        for m in OutboxMessage.objects.filter(kind="weekly_module", context__week=1)
    }
    assert by_tz == {
        "Europe/Oslo": dt.datetime(2026, 3, 2, 7, tzinfo=UTC),
        "America/Chicago": dt.datetime(2026, 3, 2, 14, tzinfo=UTC),
        "Asia/Tokyo": dt.datetime(2026, 3, 1, 23, tzinfo=UTC),
    }
    # planning again writes nothing new
    assert run_weekly_messages_plan(run=small_run.run) == 0


def test_weekly_mail_keeps_eight_oclock_local_across_the_dst_change(small_run):
    # Chicago moves to summer time on 8 March 2026, Oslo on 29 March: week 2 starts 9 March
    run_weekly_messages_plan(run=small_run.run)
    due = {
        (m.send_tz, m.context["week"]): m.due_at
        for m in OutboxMessage.objects.filter(kind="weekly_module")
    }
    assert due[("America/Chicago", 1)] == dt.datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert due[("America/Chicago", 2)] == dt.datetime(2026, 3, 9, 13, tzinfo=UTC)
    assert due[("Europe/Oslo", 2)] == dt.datetime(2026, 3, 9, 7, tzinfo=UTC)


def test_an_edited_window_moves_new_rows_into_it(small_run):
    plan_entry_save(
        run=small_run.run,
        kind="weekly_module",
        trigger="module_start",
        audience="learners",
        window_start=dt.time(18),
        window_end=dt.time(19),
    )
    run_weekly_messages_plan(run=small_run.run, weeks=[1])
    oslo = OutboxMessage.objects.get(send_tz="Europe/Oslo")
    assert oslo.due_at == dt.datetime(2026, 3, 2, 17, tzinfo=UTC)
    assert oslo.window_start == dt.time(18)


def test_a_window_with_only_one_end_is_refused_naming_the_field(small_run):
    with pytest.raises(ApplicationError) as error:
        plan_entry_save(
            run=small_run.run,
            kind="weekly_module",
            trigger="module_start",
            audience="learners",
            window_start=dt.time(18),
        )
    assert error.value.field == "window_end"
    with pytest.raises(ApplicationError) as error:
        plan_entry_save(
            run=small_run.run, kind="welcome", trigger="module_start", audience="learners"
        )
    assert error.value.field == "trigger"
    assert not policy_for(small_run.run.pk, "weekly_module").edited


def test_a_row_due_outside_its_window_waits_for_it_at_delivery(small_run, smtp_server):
    run_weekly_messages_plan(run=small_run.run, weeks=[1])
    # 10:00 UTC on 2 March: 11:00 in Oslo (window 08–09 passed), 04:00 in Chicago (not yet)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        OutboxMessage.objects.update(due_at=timezone.now())
        counts = outbox_deliver_due()
    assert counts["sent"] == 0 and counts["deferred"] == 3
    due = dict(OutboxMessage.objects.values_list("send_tz", "due_at"))
    assert due["Europe/Oslo"] == dt.datetime(2026, 3, 3, 7, tzinfo=UTC)
    assert due["America/Chicago"] == dt.datetime(2026, 3, 2, 14, tzinfo=UTC)
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 5, tzinfo=UTC), tick=False):
        assert outbox_deliver_due()["sent"] == 1
    assert smtp_server.received[0].rcpt_tos == ["learner-1@example.org"]


def test_a_kind_switched_off_in_the_plan_is_skipped_with_the_reason(small_run, smtp_server):
    plan_entry_save(
        run=small_run.run,
        kind="welcome",
        trigger="enrolment_confirmed",
        audience="learners",
        enabled=False,
    )
    e = small_run.enrolments[0]
    message = outbox_enqueue(
        key="w1", kind="welcome", recipient=e.user, run=small_run.run, context={"enrolment": e.pk}
    )
    assert message.status == OutboxMessage.Status.SKIPPED
    assert "switched off" in message.last_error
    outbox_deliver_due()
    assert smtp_server.received == []


def test_unsubscribed_and_suppressed_recipients_get_nothing_even_if_queued_before(
    small_run, smtp_server
):
    run_weekly_messages_plan(run=small_run.run, weeks=[1])
    oslo, chicago, tokyo = small_run.enrolments
    Unsubscription.objects.create(user=oslo.user, run=small_run.run)
    suppression_add(email=chicago.user.email.upper(), reason="hard_bounce")
    with time_machine.travel(dt.datetime(2026, 3, 3, 0, 30, tzinfo=UTC), tick=False):
        # 09:30 in Tokyo on the 3rd: outside; Oslo and Chicago are not sent anyway
        OutboxMessage.objects.update(due_at=timezone.now(), window_start=None, window_end=None)
        counts = outbox_deliver_due()
    assert counts == {"sent": 1, "retry": 0, "failed": 0, "skipped": 2, "deferred": 0}
    assert [r.rcpt_tos for r in smtp_server.received] == [["learner-2@example.org"]]
    reasons = dict(OutboxMessage.objects.values_list("to_email", "last_error"))
    assert reasons[oslo.user.email] == "the recipient unsubscribed"
    assert reasons[chicago.user.email].startswith("suppressed address")


def test_transactional_mail_ignores_unsubscribes_but_not_suppression(small_run, smtp_server):
    user = small_run.enrolments[0].user
    Unsubscription.objects.create(user=user, run=None)
    outbox_enqueue(key="s1", kind="signin_link", recipient=user)
    assert outbox_deliver_due()["sent"] == 1
    suppression_add(email=user.email, reason="hard_bounce")
    late = outbox_enqueue(key="s2", kind="signin_link", recipient=user)
    assert late.status == OutboxMessage.Status.SKIPPED
    assert len(smtp_server.received) == 1


def test_default_plan_names_only_kinds_that_exist_or_will():
    assert set(DEFAULT_PLAN) >= {"weekly_module", "meeting_reminder", "inactivity_nudge"}
