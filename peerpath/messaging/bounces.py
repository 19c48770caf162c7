"""Bounce intake from mail providers through django-anymail's tracking webhooks.

Anymail normalises each provider's webhook into an `AnymailTrackingEvent` and sends the
`tracking` signal; a "bounced" or "rejected" event is a hard bounce, "complained" a complaint
(both suppress the address), "deferred" a soft bounce (recorded only).
"""

from anymail.signals import tracking
from django.dispatch import receiver

SEVERITY = {
    "bounced": "hard",
    "rejected": "hard",
    "complained": "complaint",
    "deferred": "soft",
}


@receiver(tracking, dispatch_uid="peerpath.messaging.bounces")
def record_tracking_event(sender, event, esp_name, **kwargs) -> None:
    from peerpath.messaging.services import bounce_record

    severity = SEVERITY.get(event.event_type)
    if severity is None or not event.recipient:
        return
    bounce_record(
        email=event.recipient,
        severity=severity,
        source=f"anymail:{esp_name}"[:40],
        diagnostic=" ".join(
            part for part in (event.reject_reason, event.description, event.mta_response) if part
        ),
        reference=str(event.event_id or ""),
        original_message_id=_our_message_id(event),
    )


def _our_message_id(event) -> str:
    """Our Message-ID when the provider echoes the original headers (most do in raw data)."""
    raw = getattr(event, "esp_event", None)
    if isinstance(raw, dict):
        for key in ("MessageID", "Message-ID", "message-id", "message_id"):
            value = raw.get(key)
            if isinstance(value, str) and value.startswith("<"):
                return value
    return ""
