"""Background tasks of messaging (thin: call a service)."""

from django.tasks import task

from peerpath.messaging.services import outbox_deliver_due


@task()
def deliver_outbox() -> dict:
    return outbox_deliver_due()
