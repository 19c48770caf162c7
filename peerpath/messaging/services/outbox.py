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
from dataclasses import asdict, dataclass
from functools import lru_cache

from django.db import connection, transaction
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
    return dict(values_in(Enrolment.objects.all(), "id", ids, ("pk", "timezone")))


def block_reasons(messages: list, *, edited=None) -> dict[int, str]:
    """Why each of these messages must not go out, by index in the list (absent: it may).

    Three queries whatever the number of messages: suppressed addresses, unsubscriptions of
    the recipients, and the runs' edited plans.
    """
    if not messages:
        return {}
    emails = {m.to_email.strip().lower() for m in messages}
    suppressed = dict(values_in(Suppression.objects.all(), "email", emails, ("email", "reason")))
    optional = [m for m in messages if m.run_id and not registry.is_transactional(m.kind)]
    user_ids = {m.recipient_id for m in optional if m.recipient_id}
    unsubscribed: set[tuple[int, int | None, str]] = set(
        values_in(Unsubscription.objects.all(), "user", user_ids, ("user_id", "run_id", "kind"))
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


@dataclass(slots=True)
class PreparedRow:
    """An outbox row about to be written (a model instance per row costs too much at scale)."""

    key: str
    kind: str
    run_id: int | None
    recipient_id: int
    to_email: str
    context: dict
    due_at: dt.datetime
    send_tz: str
    window_start: dt.time | None
    window_end: dt.time | None
    status: str = OutboxMessage.Status.PENDING
    last_error: str = ""


_window_next = lru_cache(maxsize=65536)(window_next)  # many rows share (due, tz, window)


def _prepare(row: dict, *, now, edited, timezones) -> PreparedRow:
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
    return PreparedRow(
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
    fields = asdict(message)
    fields.pop("key")
    message, created = OutboxMessage.objects.get_or_create(key=key, defaults=fields)
    if created and message.status == OutboxMessage.Status.PENDING and message.due_at <= now:
        transaction.on_commit(_schedule_delivery)
    return message


INSERT_COLUMNS = [
    "key",
    "kind",
    "run_id",
    "recipient_id",
    "to_email",
    "context",
    "due_at",
    "status",
    "attempts",
    "claimed_by",
    "last_error",
    "message_id",
    "subject",
    "body_text",
    "body_html",
    "send_tz",
    "window_start",
    "window_end",
    "created_at",
    "updated_at",
]


def _insert(objs: list[PreparedRow], *, now) -> None:
    """Multi-row INSERT ... ON CONFLICT (key) DO NOTHING: the ORM's bulk_create spends most of
    its time compiling SQL at 100,000 rows."""
    if not objs:
        return
    ops = connection.ops
    table = ops.quote_name(OutboxMessage._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in INSERT_COLUMNS)
    conflict = f" ON CONFLICT ({ops.quote_name('key')}) DO NOTHING"
    if connection.vendor == "postgresql":
        _insert_postgres(objs, stamp=now, table=table, columns=columns, conflict=conflict)
        return
    context_field = OutboxMessage._meta.get_field("context")
    stamp = ops.adapt_datetimefield_value(now)
    row_marks = "(" + ", ".join(["%s"] * len(INSERT_COLUMNS)) + ")"
    params = [
        (
            o.key,
            o.kind,
            o.run_id,
            o.recipient_id,
            o.to_email,
            context_field.get_db_prep_save(o.context, connection),
            ops.adapt_datetimefield_value(o.due_at),
            o.status,
            0,
            "",
            o.last_error,
            "",
            "",
            "",
            "",
            o.send_tz,
            ops.adapt_timefield_value(o.window_start),
            ops.adapt_timefield_value(o.window_end),
            stamp,
            stamp,
        )
        for o in objs
    ]
    per_statement = 800  # 16,000 parameters: under SQLite's limit
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(params), per_statement):
            chunk = params[start : start + per_statement]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES "
                + ", ".join([row_marks] * len(chunk))
                + conflict
            )
            cursor.execute(sql, [value for row in chunk for value in row])


POSTGRES_TYPES = [
    "text",
    "text",
    "bigint",
    "bigint",
    "text",
    "jsonb",
    "timestamptz",
    "text",
    "int",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "time",
    "time",
    "timestamptz",
    "timestamptz",
]


def _insert_postgres(objs, *, stamp, table, columns, conflict) -> None:
    """COPY the rows into a temporary table, then one INSERT ... SELECT ... ON CONFLICT (key)
    DO NOTHING: COPY's rows are formatted by psycopg's C code, with no statement to parse and
    no parameter arrays to build, and a row queued meanwhile by someone else is left alone."""
    import json

    staging = "peerpath_outbox_in"
    definition = ", ".join(
        f"{name} {kind}" for name, kind in zip(INSERT_COLUMNS, POSTGRES_TYPES, strict=True)
    )
    names = ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({definition}) ON COMMIT DROP")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            write = copy.write_row
            dumps = json.dumps
            for o in objs:
                write(
                    (
                        o.key,
                        o.kind,
                        o.run_id,
                        o.recipient_id,
                        o.to_email,
                        dumps(o.context),
                        o.due_at,
                        o.status,
                        0,
                        "",
                        o.last_error,
                        "",
                        "",
                        "",
                        "",
                        o.send_tz,
                        o.window_start,
                        o.window_end,
                        stamp,
                        stamp,
                    )
                )
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {names} FROM {staging}{conflict}")
        cursor.execute(f"DROP TABLE {staging}")


def values_in(queryset, field: str, values, columns: tuple[str, ...]) -> list[tuple]:
    """`queryset.filter(field__in=values).values_list(*columns)` for many values: one query
    with an array parameter on PostgreSQL (no statement of 100,000 placeholders to parse),
    chunks of 5,000 elsewhere (SQLite limits parameters)."""
    values = list(values)
    if not values:
        return []
    if connection.vendor == "postgresql" and len(values) > 5000:
        column = queryset.model._meta.get_field(field).column
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        where = f"{table}.{connection.ops.quote_name(column)} = ANY(%s)"
        return list(queryset.order_by().extra(where=[where], params=[values]).values_list(*columns))
    found: list[tuple] = []
    for start in range(0, len(values), 5000):
        chunk = values[start : start + 5000]
        found.extend(queryset.order_by().filter(**{f"{field}__in": chunk}).values_list(*columns))
    return found


def outbox_enqueue_many(rows: list[dict]) -> int:
    """Bulk form of `outbox_enqueue` for large runs; returns how many rows were new.

    Each row is a dict with the keyword arguments of `outbox_enqueue` (for large plans
    `recipient_id` and `to_email` may stand in for `recipient`). A constant number of queries
    per 5,000 rows.
    """
    now = timezone.now()
    keys = [row["key"] for row in rows]
    existing = {k for (k,) in values_in(OutboxMessage.objects.all(), "key", keys, ("key",))}
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
    _insert(objs, now=now)
    if any(o.status == OutboxMessage.Status.PENDING and o.due_at <= now for o in objs):
        transaction.on_commit(_schedule_delivery)
    return len(objs)
