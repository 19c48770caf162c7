"""HTTP Basic authentication of xAPI clients (key:secret)."""

import base64
import binascii
import hmac

from django.utils import timezone

from peerpath.xapi.errors import Unauthorized
from peerpath.xapi.models import XapiClient, hash_secret


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
    client = (
        XapiClient.objects.filter(key=key, active=True).select_related("run").first()
        if sep
        else None
    )
    if client is None or not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        raise Unauthorized("Authorization: unknown key or wrong secret")
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        XapiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
