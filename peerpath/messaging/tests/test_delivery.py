"""Outbox delivery through a real SMTP server on loopback."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import outbox_deliver_due, outbox_enqueue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue_signin(user, key="k1", due_at=None):
    return outbox_enqueue(key=key, kind="signin_link", recipient=user, due_at=due_at)


def test_a_queued_message_is_delivered_once_over_smtp_with_a_stable_message_id(smtp_server):
    user = UserFactory(email="ada@example.org")
    message = queue_signin(user, due_at=timezone.now() - dt.timedelta(seconds=1))
    counts = outbox_deliver_due()
    again = outbox_deliver_due()
    message.refresh_from_db()
    assert counts == {"sent": 1, "retry": 0, "failed": 0, "skipped": 0, "deferred": 0}
    assert again == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "deferred": 0}
    assert message.status == OutboxMessage.Status.SENT
    assert len(smtp_server.received) == 1
    received = smtp_server.received[0]
    assert received.rcpt_tos == ["ada@example.org"]
    assert received.message["Message-ID"] == message.message_id
    assert "/accounts/signin/" in received.text
    assert message.body_text == received.text.replace("\r\n", "\n")


def test_queuing_the_same_key_twice_gives_one_row():
    user = UserFactory()
    first = queue_signin(user, key="same")
    second = queue_signin(user, key="same")
    assert first.pk == second.pk
    assert OutboxMessage.objects.filter(key="same").count() == 1


def test_unknown_message_kind_is_refused_when_written():
    with pytest.raises(LookupError):
        outbox_enqueue(key="x", kind="no_such_kind", recipient=UserFactory())
    assert not OutboxMessage.objects.exists()


def test_a_temporary_smtp_refusal_is_retried_later_and_then_sent(smtp_server):
    user = UserFactory()
    message = queue_signin(user)
    smtp_server.handler.fail_next.append("451 Try again later")
    assert outbox_deliver_due()["retry"] == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "451" in message.last_error
    assert message.due_at > timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(due_at=timezone.now())
    assert outbox_deliver_due()["sent"] == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(smtp_server.received) == 1


def test_a_permanent_smtp_refusal_fails_with_the_reason_kept(smtp_server):
    message = queue_signin(UserFactory())
    smtp_server.handler.fail_next.append("550 No such mailbox")
    assert outbox_deliver_due()["failed"] == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "550" in message.last_error
    assert smtp_server.received == []


def test_a_message_due_later_waits(smtp_server):
    queue_signin(UserFactory(), due_at=timezone.now() + dt.timedelta(hours=3))
    assert outbox_deliver_due()["sent"] == 0
    assert smtp_server.received == []


def test_a_row_claimed_by_a_worker_that_died_is_delivered_after_the_claim_expires(smtp_server):
    message = queue_signin(UserFactory())
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        claimed_by="dead-worker",
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert outbox_deliver_due()["sent"] == 1
    assert len(smtp_server.received) == 1


def test_a_fresh_claim_by_another_worker_is_left_alone(smtp_server):
    message = queue_signin(UserFactory())
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_by="busy-worker", claimed_at=timezone.now()
    )
    assert outbox_deliver_due()["sent"] == 0
    assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_a_message_written_in_a_transaction_is_delivered_only_after_commit(smtp_server):
    user = UserFactory()
    with transaction.atomic():
        queue_signin(user)
        assert smtp_server.received == []
    # the test settings run tasks in-line: delivery happened on commit
    assert len(smtp_server.received) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(smtp_server):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_signin(user)
        raise RuntimeError("the cause failed")
    assert not OutboxMessage.objects.exists()
    assert smtp_server.received == []
