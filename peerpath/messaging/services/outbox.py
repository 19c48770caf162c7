"""Writing messages to the outbox.

A message is a row first, written in the same transaction as the change that causes it, and
delivered after commit by a worker. A row's unique `key` (run, recipient, message, occurrence)
means queuing the same message twice is a no-op.

When a row is written the run's plan decides its local send window (the due time moves to the
window's next opening in the recipient's timezone), and a recipient who has unsubscribed or
whose address is suppressed, or a kind switched off in the plan, gives a row marked SKIPPED
with the reason, so that staff see why nothing went out. Delivery checks all this again.
"""

import datetime as dt
import logging
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from peerpath.messaging import registry
from peerpath.messaging.models import OutboxMessage, Suppression, Unsubscription
from peerpath.messaging.policy import policies_for_runs, policy_for
from peerpath.messaging.windows import window_next

logger = logging.getLogger(__name__)


def _schedule_delivery() -> None:
    from peerpath.messaging.tasks import deliver_outbox

    try:
        deliver_outbox.enqueue()
    except Exception:  # the periodic tick delivers it anyway
        logger.exception("could not enqueue outbox delivery")


def _enrolment_timezones(enrolment_ids) -> dict[int, str]:
    from peerpath.enrollment.models import Enrolment

    ids = [i for i in set(enrolment_ids) if i is not None]
    found: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        found.update(
            Enrolment.objects.filter(pk__in=ids[start : start + 5000]).values_list("pk", "timezone")
        )
    return found


def block_reasons(messages: list[OutboxMessage], *, edited=None) -> dict[int, str]:
    """Why each of these messages must not go out, by index in the list (absent: it may).

    Three queries whatever the number of messages: suppressed addresses, unsubscriptions of
    the recipients, and the runs' edited plans.
    """
    if not messages:
        return {}
    emails = {m.to_email.strip().lower() for m in messages}
    suppressed: dict[str, str] = {}
    email_list = list(emails)
    for start in range(0, len(email_list), 5000):
        suppressed.update(
            Suppression.objects.filter(email__in=email_list[start : start + 5000]).values_list(
                "email", "reason"
            )
        )
    optional = [m for m in messages if m.run_id and not registry.is_transactional(m.kind)]
    unsubscribed: set[tuple[int, int | None, str]] = set()
    user_ids = list({m.recipient_id for m in optional if m.recipient_id})
    for start in range(0, len(user_ids), 5000):
        unsubscribed.update(
            Unsubscription.objects.filter(user_id__in=user_ids[start : start + 5000]).values_list(
                "user_id", "run_id", "kind"
            )
        )
    if edited is None:
        edited = policies_for_runs({m.run_id for m in messages})
    reasons: dict[int, str] = {}
    for index, message in enumerate(messages):
        reason = suppressed.get(message.to_email.strip().lower())
        if reason:
            reasons[index] = f"suppressed address ({reason})"
            continue
        if not message.run_id or registry.is_transactional(message.kind):
            continue
        if not policy_for(message.run_id, message.kind, edited).enabled:
            reasons[index] = "switched off in the run's message plan"
            continue
        user = message.recipient_id
        if unsubscribed & {
            (user, message.run_id, ""),
            (user, message.run_id, message.kind),
            (user, None, ""),
            (user, None, message.kind),
        }:
            reasons[index] = "the recipient unsubscribed"
    return reasons


_window_next = lru_cache(maxsize=65536)(window_next)  # many rows share (due, tz, window)


def _prepare(row: dict, *, now, edited, timezones) -> OutboxMessage:
    registry.get_kind(row["kind"])  # refuse unknown kinds at write time, not at delivery time
    run = row.get("run")
    run_id = run.pk if run is not None else row.get("run_id")
    recipient = row.get("recipient")
    context = row.get("context") or {}
    policy = policy_for(run_id, row["kind"], edited)
    tz_name = (
        row.get("tz")
        or timezones.get(context.get("enrolment"))
        or getattr(recipient, "timezone", "")
        or "UTC"
    )
    due_at = row.get("due_at") or now
    if policy.window_start is not None and policy.window_end is not None:
        due_at = _window_next(due_at, tz_name, policy.window_start, policy.window_end)
    return OutboxMessage(
        key=row["key"],
        kind=row["kind"],
        run_id=run_id,
        recipient_id=recipient.pk if recipient is not None else row["recipient_id"],
        to_email=row.get("to_email") or recipient.email,
        context=context,
        due_at=due_at,
        send_tz=tz_name,
        window_start=policy.window_start,
        window_end=policy.window_end,
    )


def outbox_enqueue(
    *,
    key: str,
    kind: str,
    recipient,
    context: dict | None = None,
    run=None,
    due_at: dt.datetime | None = None,
    tz: str | None = None,
    to_email: str | None = None,
) -> OutboxMessage:
    """Queue one message; the same `key` queued again returns the existing row unchanged.

    `tz` names the recipient's timezone for the send window (by default the timezone of the
    enrolment named in `context`, else the recipient's own).
    """
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    run_id = run.pk if run is not None else None
    enrolment_id = (context or {}).get("enrolment")
    timezones = _enrolment_timezones([enrolment_id]) if (enrolment_id and not tz) else {}
    edited = policies_for_runs([run_id])
    message = _prepare(
        {
            "key": key,
            "kind": kind,
            "run": run,
            "recipient": recipient,
            "context": context,
            "due_at": due_at,
            "tz": tz,
            "to_email": to_email,
        },
        now=now,
        edited=edited,
        timezones=timezones,
    )
    reason = block_reasons([message], edited=edited).get(0)
    if reason:
        message.status = OutboxMessage.Status.SKIPPED
        message.last_error = reason
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            f.attname: getattr(message, f.attname)
            for f in OutboxMessage._meta.concrete_fields
            if f.attname not in {"id", "key", "created_at", "updated_at"}
        },
    )
    if created and message.status == OutboxMessage.Status.PENDING and message.due_at <= now:
        transaction.on_commit(_schedule_delivery)
    return message


def outbox_enqueue_many(rows: list[dict]) -> int:
    """Bulk form of `outbox_enqueue` for large runs; returns how many rows were new.

    Each row is a dict with the keyword arguments of `outbox_enqueue` (for large plans
    `recipient_id` and `to_email` may stand in for `recipient`). A constant number of queries
    per 5,000 rows.
    """
    now = timezone.now()
    keys = [row["key"] for row in rows]
    existing: set[str] = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        existing.update(OutboxMessage.objects.filter(key__in=chunk).values_list("key", flat=True))
    fresh = [row for row in rows if row["key"] not in existing]
    if not fresh:
        return 0
    run_ids = {(r["run"].pk if r.get("run") is not None else r.get("run_id")) for r in fresh}
    edited = policies_for_runs(run_ids)
    timezones = _enrolment_timezones(
        (r.get("context") or {}).get("enrolment") for r in fresh if not r.get("tz")
    )
    objs = [_prepare(row, now=now, edited=edited, timezones=timezones) for row in fresh]
    for index, reason in block_reasons(objs, edited=edited).items():
        objs[index].status = OutboxMessage.Status.SKIPPED
        objs[index].last_error = reason
    OutboxMessage.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    if any(o.status == OutboxMessage.Status.PENDING and o.due_at <= now for o in objs):
        transaction.on_commit(_schedule_delivery)
    return len(objs)
