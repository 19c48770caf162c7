"""The email for an outbox row: its stable Message-ID, its headers (one-click unsubscribe, list
id) and the message itself with its alternatives and attachments."""

import hashlib
import hmac
from email.utils import parseaddr
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services.render import RenderedMessage


@lru_cache(maxsize=16)
def address_of(value: str) -> str:
    return parseaddr(value)[1]


def stable_message_id(message: OutboxMessage) -> str:
    """The same Message-ID for a row every time it is sent: a repeat after a crash is
    recognisable as the same message."""
    domain = address_of(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "peerpath"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"outbox:{message.pk}".encode(), hashlib.sha256
    ).hexdigest()[:12]
    return f"<{message.kind}.{message.pk}.{digest}@{domain}>"


def message_headers(message: OutboxMessage, rendered: RenderedMessage) -> dict[str, str]:
    if not message.message_id:
        message.message_id = stable_message_id(message)
    headers = {"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"}
    if rendered.unsubscribe_url:
        # RFC 8058: one click in the mail client POSTs "List-Unsubscribe=One-Click" there.
        headers["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if message.run_id:
            headers["List-Id"] = f"<run-{message.run_id}.{settings.SITE_URL.split('//')[-1]}>"
    return headers


def build_email(message: OutboxMessage, rendered: RenderedMessage) -> EmailMultiAlternatives:
    headers = message_headers(message, rendered)
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        email.attach(filename, content, mimetype)
    return email
