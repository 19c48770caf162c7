"""Reading the outbox."""

from peerpath.messaging.models import OutboxMessage


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
    from django.db.models import Count

    rows = outbox_list(run=run).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
