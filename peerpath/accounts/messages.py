"""Message kinds caused by accounts."""

from django.urls import reverse

from peerpath.accounts.tokens import make_signin_token
from peerpath.messaging.registry import register


@register("signin_link", "A one-time sign-in link")
def build_signin_link(message) -> dict:
    from django.conf import settings

    token = make_signin_token(message.recipient)
    return {"link": settings.SITE_URL + reverse("accounts:signin_link", args=[token])}
