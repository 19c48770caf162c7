"""Writing messages to the outbox, rendering them, and delivering the due ones exactly once.

Habit: a message is a row first, written in the same transaction as the change that causes it,
and delivered after commit by a worker. A row's unique `key` (run, recipient, message,
occurrence) means queuing the same message twice is a no-op, and a row moves from PENDING to
SENT once: workers claim rows (SKIP LOCKED on PostgreSQL) before sending.
"""

import datetime as dt
import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from peerpath.messaging import registry
from peerpath.messaging.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def outbox_enqueue(
    *,
    key: str,
    kind: str,
    recipient,
    context: dict | None = None,
    run=None,
    due_at: dt.datetime | None = None,
) -> OutboxMessage:
    """Queue one message; the same `key` queued again returns the existing row unchanged."""
    registry.get_kind(kind)  # refuse unknown kinds at write time, not at delivery time
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "run": run,
            "recipient": recipient,
            "to_email": recipient.email,
            "context": context or {},
            "due_at": due_at or timezone.now(),
        },
    )
    if created and message.due_at <= timezone.now():
        transaction.on_commit(_schedule_delivery)
    return message


def outbox_enqueue_many(rows: list[dict]) -> int:
    """Bulk form of `outbox_enqueue` for large runs; returns how many rows were new."""
    now = timezone.now()
    keys = [row["key"] for row in rows]
    existing = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        existing.update(OutboxMessage.objects.filter(key__in=chunk).values_list("key", flat=True))
    objs = []
    for row in rows:
        if row["key"] in existing:
            continue
        registry.get_kind(row["kind"])
        objs.append(
            OutboxMessage(
                key=row["key"],
                kind=row["kind"],
                run=row.get("run"),
                recipient=row["recipient"],
                to_email=row["recipient"].email,
                context=row.get("context") or {},
                due_at=row.get("due_at") or now,
            )
        )
    OutboxMessage.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=True)
    if objs:
        transaction.on_commit(_schedule_delivery)
    return len(objs)


def _schedule_delivery() -> None:
    from peerpath.messaging.tasks import deliver_outbox

    try:
        deliver_outbox.enqueue()
    except Exception:  # the periodic tick delivers it anyway
        logger.exception("could not enqueue outbox delivery")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    attachments: tuple = ()  # (filename, content bytes, mimetype)


def message_render(*, message: OutboxMessage) -> RenderedMessage:
    """Render a message from current data; used for delivery and for the staff preview."""
    kind = registry.get_kind(message.kind)
    context = kind.build_context(message)
    attachments = tuple(context.pop("attachments", ()))
    context.setdefault("recipient", message.recipient)
    context.setdefault("site_url", settings.SITE_URL)
    language = getattr(message.recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"messaging/email/{message.kind}.subject.txt", context)
        text = render_to_string(f"messaging/email/{message.kind}.txt", context)
        try:
            html = render_to_string(f"messaging/email/{message.kind}.html", context)
        except Exception:  # TemplateDoesNotExist: plain text only
            html = ""
    return RenderedMessage(
        subject=" ".join(subject.split()),
        text=text.strip() + "\n",
        html=html,
        attachments=attachments,
    )


def _claim_due(*, worker_id: str, limit: int) -> list[OutboxMessage]:
    """Mark up to `limit` due rows as ours. A row claimed by a worker that died is due again."""
    now = timezone.now()
    stale = now - CLAIM_TIMEOUT
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=OutboxMessage.Status.PENDING, due_at__lte=now)
                | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=stale)
            )
            .order_by("due_at", "id")
        )
        ids = list(due.values_list("id", flat=True)[:limit])
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


def _is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    return isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | OSError)


def _build_email(message: OutboxMessage, rendered: RenderedMessage) -> EmailMultiAlternatives:
    if not message.message_id:
        message.message_id = f"<{message.kind}.{message.pk}.{uuid.uuid4().hex[:12]}@peerpath>"
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"Message-ID": message.message_id},
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        email.attach(filename, content, mimetype)
    return email


def outbox_deliver_due(*, worker_id: str | None = None, limit: int | None = None) -> dict:
    """Send every due message once over one kept-open connection; returns counts by outcome."""
    worker_id = worker_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    limit = limit or settings.PEERPATH_OUTBOX_BATCH
    counts = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        batch = _claim_due(worker_id=worker_id, limit=limit)
        if not batch:
            return counts
        connection = mailers.default
        try:
            connection.open()
            for message in batch:
                outcome = _deliver_one(message, connection)
                counts[outcome] += 1
        finally:
            try:
                connection.close()
            except Exception:  # a dropped connection cannot be closed politely
                logger.warning("closing the mail connection failed", exc_info=True)


def _deliver_one(message: OutboxMessage, connection) -> str:
    now = timezone.now()
    message.attempts += 1
    try:
        rendered = message_render(message=message)
        email = _build_email(message, rendered)
        if connection.send_messages([email]) != 1:
            raise RuntimeError("the mail backend accepted no message")
    except Exception as error:  # record the outcome whatever went wrong
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.claimed_by = ""
        if _is_transient(error) and message.attempts < MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.PENDING
            message.due_at = now + dt.timedelta(minutes=2**message.attempts)
            outcome = "retry"
        else:
            message.status = OutboxMessage.Status.FAILED
            outcome = "failed"
        message.save(
            update_fields=[
                "attempts",
                "last_error",
                "claimed_by",
                "status",
                "due_at",
                "message_id",
                "updated_at",
            ]
        )
        logger.warning("message %s: %s (%s)", message.pk, message.last_error, outcome)
        return outcome
    message.status = OutboxMessage.Status.SENT
    message.sent_at = now
    message.subject = rendered.subject
    message.body_text, message.body_html = rendered.text, rendered.html
    message.last_error = ""
    message.save(
        update_fields=[
            "attempts",
            "status",
            "sent_at",
            "subject",
            "body_text",
            "body_html",
            "last_error",
            "message_id",
            "updated_at",
        ]
    )
    return "sent"
