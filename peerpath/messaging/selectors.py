"""Reading the outbox, the plans and the preferences."""

from django.db.models import Count

from peerpath.messaging.models import OutboxMessage, Unsubscription


def outbox_list(*, run=None, status: str | None = None, kind: str | None = None):
    messages = OutboxMessage.objects.select_related("run", "recipient")
    if run is not None:
        messages = messages.filter(run=run)
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    return messages


def outbox_get(*, message_id: int) -> OutboxMessage:
    return OutboxMessage.objects.select_related("run", "recipient").get(pk=message_id)


def outbox_counts(*, run=None) -> dict[str, int]:
    rows = outbox_list(run=run).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def outbox_counts_by_kind(*, run) -> list[dict]:
    """[{kind, total, <status>: n, ...}] for the run, one dict per message kind."""
    rows = (
        OutboxMessage.objects.filter(run=run)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict] = {}
    for row in rows:
        entry = table.setdefault(row["kind"], {"kind": row["kind"], "total": 0})
        entry[row["status"]] = row["n"]
        entry["total"] += row["n"]
    return [table[kind] for kind in sorted(table)]


def outbox_failures(*, run, limit: int = 50):
    return (
        OutboxMessage.objects.filter(run=run, status=OutboxMessage.Status.FAILED)
        .select_related("recipient")
        .order_by("-updated_at")[:limit]
    )


def unsubscriptions_for(*, user) -> list[Unsubscription]:
    return list(Unsubscription.objects.filter(user=user).select_related("run"))
