"""HTTP Basic authentication of xAPI clients (key:secret).

A tool sends many requests a second; each process remembers an authenticated client for a few
seconds instead of reading it on every request. Deactivating a client (or changing its run)
therefore takes effect within CACHE_SECONDS everywhere, and at once in the process that did it.
"""

import base64
import binascii
import hmac
import time

from django.utils import timezone

from peerpath.xapi.errors import Unauthorized
from peerpath.xapi.models import XapiClient, hash_secret

CACHE_SECONDS = 5.0
_recent: dict[str, tuple[float, XapiClient]] = {}


def forget_client(key: str | None = None) -> None:
    """Drop a remembered client (all of them without a key), e.g. after deactivating it."""
    if key is None:
        _recent.clear()
    else:
        _recent.pop(key, None)


def client_authenticate(request) -> XapiClient:
    """The active client whose Basic credentials the request carries, or Unauthorized."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("Authorization: HTTP Basic credentials (key:secret) are required")
    try:
        key, sep, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("Authorization: the Basic credentials are not valid base64") from None
    if not sep:
        raise Unauthorized("Authorization: unknown key or wrong secret")
    now = time.monotonic()
    remembered = _recent.get(key)
    client = remembered[1] if remembered and remembered[0] > now else None
    if client is None:
        client = XapiClient.objects.filter(key=key, active=True).select_related("run").first()
    if client is None or not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        raise Unauthorized("Authorization: unknown key or wrong secret")
    if remembered is None or remembered[1] is not client:
        if len(_recent) > 10_000:
            _recent.clear()
        _recent[key] = (now + CACHE_SECONDS, client)
    instant = timezone.now()
    if client.last_used_at is None or (instant - client.last_used_at).total_seconds() > 60:
        XapiClient.objects.filter(pk=client.pk).update(last_used_at=instant)
        client.last_used_at = instant
    return client
