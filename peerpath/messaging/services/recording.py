"""Recording what became of each claimed outbox row: sent, failed with its reason, or back to
pending with a back-off, written in small groups of one UPDATE each (`PEERPATH_OUTBOX_FLUSH`)."""

import datetime as dt
import logging
import threading

from django.db import connection, transaction
from django.utils import timezone

from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services.smtp import describe_error, is_connection_error, is_transient

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6

SENT_FIELDS = [
    "attempts",
    "status",
    "sent_at",
    "subject",
    "body_text",
    "body_html",
    "last_error",
    "message_id",
    "claimed_by",
    "due_at",
    "updated_at",
]


class Recorder:
    """Collects outcomes and writes them in small groups (one transaction each)."""

    def __init__(self, every: int):
        self.every = max(1, every)
        self.pending: list[OutboxMessage] = []
        self.permits: threading.Semaphore | None = None  # given back once outcomes are written
        self.held = 0

    def add(self, message: OutboxMessage, *, held: bool = False) -> None:
        self.pending.append(message)
        self.held += held
        if len(self.pending) >= self.every:
            self.flush()

    def flush(self) -> None:
        """One UPDATE statement executed for every row of the group, in one transaction."""
        if not self.pending:
            return
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        table = OutboxMessage._meta.db_table
        columns = [f for f in SENT_FIELDS if f != "updated_at"]
        sql = (
            f"UPDATE {ops.quote_name(table)} SET "
            + ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
            + f", {ops.quote_name('updated_at')} = %s WHERE {ops.quote_name('id')} = %s"
        )
        params = []
        for message in self.pending:
            row = []
            for name in columns:
                value = getattr(message, name)
                if name in {"sent_at", "due_at"}:
                    value = ops.adapt_datetimefield_value(value)
                row.append(value)
            params.append([*row, now, message.pk])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self.pending = []
        if self.permits is not None and self.held:
            self.permits.release(self.held)
        self.held = 0


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 240))


def record_failure(message: OutboxMessage, error: Exception, now) -> str:
    message.last_error = describe_error(error)[:2000]
    message.claimed_by = ""
    if is_connection_error(error):
        # The server is away, not the message at fault: wait for it, however long.
        message.status = OutboxMessage.Status.PENDING
        message.due_at = now + min(_backoff(message.attempts), dt.timedelta(minutes=15))
        outcome = "retry"
    elif is_transient(error) and message.attempts < MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.PENDING
        message.due_at = now + _backoff(message.attempts)
        outcome = "retry"
    else:
        message.status = OutboxMessage.Status.FAILED
        outcome = "failed"
    logger.warning("message %s: %s (%s)", message.pk, message.last_error, outcome)
    return outcome


def record_outcome(message, rendered, error, recorder, counts, *, held: bool = False) -> None:
    if error is not None:
        counts[record_failure(message, error, timezone.now())] += 1
        recorder.add(message, held=held)
        return
    message.status = OutboxMessage.Status.SENT
    message.sent_at = timezone.now()
    message.subject = rendered.subject[:300]
    message.body_text, message.body_html = rendered.text, rendered.html
    message.last_error = ""
    message.claimed_by = ""
    counts["sent"] += 1
    recorder.add(message, held=held)


def release_unattempted(rest, error, now, recorder, counts) -> None:
    """The server is unreachable: the rest of the batch waits for a later try, unattempted."""
    for message in rest:
        message.status = OutboxMessage.Status.PENDING
        message.claimed_by = ""
        message.last_error = f"not tried: {describe_error(error)}"[:2000]
        message.due_at = now + dt.timedelta(minutes=1)
        counts["retry"] += 1
        recorder.add(message)
