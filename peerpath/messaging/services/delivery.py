"""Delivering due messages exactly once, over one kept-open SMTP connection.

Workers claim due rows (SKIP LOCKED on PostgreSQL) by marking them SENDING, render them from
current data, send them, and record each outcome (`recording`). Outcomes are written every
`PEERPATH_OUTBOX_FLUSH` messages: a worker killed between sending and recording repeats at most
that many messages when its claim expires, and with the same Message-ID, which is derived from
the row alone. Transient failures (connection, 4xx) retry with back-off; permanent ones (5xx)
fail with the reason kept. Before each send the suppression list, the recipient's
unsubscriptions, the run's plan and the row's local send window are checked again.
"""

import datetime as dt
import logging
import queue
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peerpath.messaging import registry
from peerpath.messaging.mime import build_mime
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services.compose import address_of, build_email, message_headers
from peerpath.messaging.services.outbox import block_reasons
from peerpath.messaging.services.recording import (
    Recorder,
    record_failure,
    record_outcome,
    release_unattempted,
)
from peerpath.messaging.services.render import RenderedMessage, TemplateSet, message_render
from peerpath.messaging.services.smtp import (
    close_quietly,
    describe_error,
    is_connection_error,
    send_reconnecting,
    smtp_mailer,
)
from peerpath.messaging.windows import in_window, window_next

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def claim_timeout() -> dt.timedelta:
    seconds = getattr(settings, "PEERPATH_OUTBOX_CLAIM_TIMEOUT", None)
    return dt.timedelta(seconds=int(seconds)) if seconds else CLAIM_TIMEOUT


def _claim_due(*, worker_id: str, limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due rows as ours. A row claimed by a worker that died is due again."""
    now = timezone.now()
    stale = now - claim_timeout()
    rows = OutboxMessage.objects.select_for_update(skip_locked=True)
    with transaction.atomic():
        # Two queries, each walking the (status, due_at) index in order and stopping at
        # `limit`: one OR-ed query, or a tie-break on id, would sort every due row each time.
        ids = list(
            rows.filter(status=OutboxMessage.Status.SENDING, claimed_at__lt=stale)
            .order_by("due_at")
            .values_list("id", flat=True)[:limit]
        )
        if len(ids) < limit:
            ids += (
                rows.filter(status=OutboxMessage.Status.PENDING, due_at__lte=now)
                .order_by("due_at")
                .values_list("id", flat=True)[: limit - len(ids)]
            )
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids).update(
            status=OutboxMessage.Status.SENDING, claimed_by=worker_id, claimed_at=now
        )
    return list(
        OutboxMessage.objects.filter(id__in=ids, claimed_by=worker_id)
        .select_related("recipient", "run")
        .order_by("due_at", "id")
    )


def _contexts(batch: list[OutboxMessage]) -> dict[int, dict]:
    """Contexts built in bulk for kinds that can; others are built one by one when sent."""
    by_kind: dict[str, list[OutboxMessage]] = {}
    for message in batch:
        by_kind.setdefault(message.kind, []).append(message)
    built: dict[int, dict] = {}
    for name, messages in by_kind.items():
        try:
            kind = registry.get_kind(name)
        except LookupError:
            continue
        if kind.build_many is None or len(messages) < 2:
            continue
        try:
            contexts = kind.build_many(messages)
        except Exception:  # fall back to one by one, where each error lands on its row
            logger.warning("batch context of %s failed", name, exc_info=True)
            continue
        built.update({m.pk: c for m, c in zip(messages, contexts, strict=True)})
    return built


def outbox_deliver_due(
    *, worker_id: str | None = None, limit: int | None = None, max_seconds: float | None = None
) -> dict:
    """Send every due message once over one kept-open connection; returns counts by outcome."""
    worker_id = worker_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    limit = limit or settings.PEERPATH_OUTBOX_BATCH
    recorder = Recorder(getattr(settings, "PEERPATH_OUTBOX_FLUSH", 20))
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "deferred": 0}
    started = time.monotonic()
    sender = _ThreadSender(recorder) if smtp_mailer() else _InlineSender()
    try:
        while max_seconds is None or time.monotonic() - started < max_seconds:
            if sender.down is not None:
                break  # the server is away: what is left waits for a later run
            batch = _claim_due(worker_id=worker_id, limit=limit)
            if not batch:
                break
            _deliver_batch(batch, sender, recorder, counts)
        sender.finish(recorder, counts)
        recorder.flush()
    finally:
        sender.close(recorder, counts)
        recorder.flush()
    return counts


class _InlineSender:
    """Sends each message as it is handed over, on the calling thread (any mail backend)."""

    def __init__(self):
        self.connection = None
        self.down: Exception | None = None

    def submit(self, message, rendered, email, recorder, counts) -> None:
        try:
            self.connection = send_reconnecting(self.connection, email)
            error = None
        except Exception as failure:
            error = failure
            if is_connection_error(failure):
                self.down = failure
        record_outcome(message, rendered, error, recorder, counts)

    def finish(self, recorder, counts) -> None:
        pass

    def close(self, recorder, counts) -> None:
        close_quietly(self.connection)
        self.connection = None


class _NotTried(Exception):
    """The server was already unreachable when this message's turn came."""

    def __init__(self, cause: Exception):
        super().__init__(describe_error(cause))
        self.cause = cause


class _ThreadSender:
    """Sends over SMTP on a thread of its own, so that waiting for the server's replies (which
    releases the GIL) overlaps rendering the next messages on the calling thread.

    Outcomes are recorded on the calling thread (its database connection), and the thread takes
    a permit before each send which is given back only once that outcome is written: at most
    `PEERPATH_OUTBOX_FLUSH` messages are ever sent and not yet recorded, so a worker killed at
    any moment repeats no more than without the thread, and with the same Message-ID.
    """

    def __init__(self, recorder: "Recorder"):
        self.connection = None
        self.down: Exception | None = None
        self.todo: queue.Queue = queue.Queue(maxsize=max(8, recorder.every))
        self.done: queue.Queue = queue.Queue()
        self.permits = threading.Semaphore(recorder.every)
        recorder.permits = self.permits
        self.outstanding = 0
        self.thread = threading.Thread(target=self._run, name="outbox-smtp", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.todo.get()
            if item is None:
                break
            message, rendered, email = item
            if self.down is not None:
                self.done.put((message, rendered, _NotTried(self.down), False))
                continue
            self.permits.acquire()
            try:
                self.connection = send_reconnecting(self.connection, email)
                error = None
            except Exception as failure:
                error = failure
                if is_connection_error(failure):
                    self.down = failure
            self.done.put((message, rendered, error, True))
        close_quietly(self.connection)
        self.connection = None

    def submit(self, message, rendered, email, recorder, counts) -> None:
        self.outstanding += 1
        while True:
            try:
                self.todo.put((message, rendered, email), timeout=0.05)
                break
            except queue.Full:
                self.collect(recorder, counts)
        self.collect(recorder, counts)

    def collect(self, recorder, counts, *, wait: float = 0) -> None:
        """Record the outcomes that are in; with `wait`, wait that long for the first."""
        while self.outstanding:
            try:
                item = self.done.get(timeout=wait) if wait else self.done.get_nowait()
            except queue.Empty:
                return
            wait = 0
            self.outstanding -= 1
            message, rendered, error, held = item
            if isinstance(error, _NotTried):
                message.attempts -= 1  # handed over, never tried
                release_unattempted([message], error.cause, timezone.now(), recorder, counts)
            else:
                record_outcome(message, rendered, error, recorder, counts, held=held)

    def finish(self, recorder, counts) -> None:
        """Wait until every message handed over has its outcome recorded."""
        while self.outstanding:
            if not self.thread.is_alive():
                raise RuntimeError("the SMTP sender thread stopped")
            self.collect(recorder, counts, wait=0.05)
            recorder.flush()

    def close(self, recorder, counts) -> None:
        if self.thread.is_alive():
            while True:  # the queue may be full of messages waiting for a recorded outcome
                try:
                    self.todo.put(None, timeout=0.05)
                    break
                except queue.Full:
                    self.collect(recorder, counts)
                    recorder.flush()
            while self.thread.is_alive() or self.outstanding:
                self.collect(recorder, counts, wait=0.05)
                if not self.thread.is_alive() and self.done.empty():
                    break
            self.thread.join()
        recorder.flush()


def _deliver_batch(batch, sender, recorder: Recorder, counts: dict) -> None:
    now = timezone.now()
    blocked = block_reasons(batch)
    contexts = _contexts(batch)
    templates = TemplateSet(batch)
    for index, message in enumerate(batch):
        if sender.down is not None:
            # The server is unreachable: the rest of the batch waits for a later try.
            release_unattempted(batch[index:], sender.down, now, recorder, counts)
            return
        if index in blocked:
            message.status = OutboxMessage.Status.SKIPPED
            message.last_error = blocked[index]
            message.claimed_by = ""
            counts["skipped"] += 1
            recorder.add(message)
            continue
        if not in_window(now, message.send_tz, message.window_start, message.window_end):
            message.status = OutboxMessage.Status.PENDING
            message.claimed_by = ""
            message.due_at = window_next(
                now, message.send_tz, message.window_start, message.window_end
            )
            counts["deferred"] += 1
            recorder.add(message)
            continue
        message.attempts += 1
        try:
            rendered = message_render(
                message=message, context=contexts.get(message.pk), templates=templates
            )
            email = _outgoing(message, rendered)
        except Exception as error:  # a message that cannot be built fails with the reason
            counts[record_failure(message, error, now)] += 1
            recorder.add(message)
            continue
        sender.submit(message, rendered, email, recorder, counts)


def _outgoing(message: OutboxMessage, rendered: RenderedMessage):
    """Raw MIME bytes with the envelope when the mailer is an SMTP connection and the message
    has no attachments (the fast path); otherwise Django's EmailMultiAlternatives."""
    if rendered.attachments or not smtp_mailer():
        return build_email(message, rendered)
    sender = address_of(settings.DEFAULT_FROM_EMAIL)
    raw = build_mime(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to_email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers=message_headers(message, rendered),
    )
    return (sender, message.to_email, raw)
