"""Messaging services: write messages to the outbox, render them, deliver them exactly once,
and honour plans, preferences, suppressions and bounces.

The names imported here are the app's public interface for other apps.
"""

from peerpath.messaging.services.compose import build_email, stable_message_id
from peerpath.messaging.services.delivery import CLAIM_TIMEOUT, outbox_deliver_due
from peerpath.messaging.services.outbox import (
    _schedule_delivery,
    block_reasons,
    outbox_enqueue,
    outbox_enqueue_many,
)
from peerpath.messaging.services.preferences import (
    bounce_record,
    bounces_from_maildir,
    preferences_read,
    preferences_set,
    suppression_add,
    suppression_remove,
    unsubscribe_one_click,
    unsubscribe_read,
)
from peerpath.messaging.services.recording import MAX_ATTEMPTS
from peerpath.messaging.services.render import (
    RenderedMessage,
    TemplateSet,
    message_render,
    preferences_token,
    unsubscribe_token,
)
from peerpath.messaging.services.staff import (
    message_preview,
    message_test_send,
    outbox_cancel,
    outbox_retry,
    plan_entry_save,
    sample_context,
    template_delete,
    template_save,
)

__all__ = [
    "CLAIM_TIMEOUT",
    "MAX_ATTEMPTS",
    "RenderedMessage",
    "TemplateSet",
    "_schedule_delivery",
    "block_reasons",
    "bounce_record",
    "bounces_from_maildir",
    "build_email",
    "message_preview",
    "message_render",
    "message_test_send",
    "outbox_cancel",
    "outbox_deliver_due",
    "outbox_enqueue",
    "outbox_enqueue_many",
    "outbox_retry",
    "plan_entry_save",
    "preferences_read",
    "preferences_set",
    "preferences_token",
    "sample_context",
    "stable_message_id",
    "suppression_add",
    "suppression_remove",
    "template_delete",
    "template_save",
    "unsubscribe_one_click",
    "unsubscribe_token",
    "unsubscribe_read",
]
