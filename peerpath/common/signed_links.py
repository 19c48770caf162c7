"""Signed links that work without a login: "done" clicks, RSVP, attendance, hand-over, feedback.

A link carries a small payload signed with the site's secret key for one *purpose* (so a link
made for one action can never be replayed against another), an issue time (so it can expire)
and, for links that must work once only, a random nonce that is recorded when the link is used.

    token = link_token_make("attendance", {"m": meeting.pk, "e": enrolment.pk}, once=True)
    payload = link_token_read("attendance", token, max_age=14 * 86400)   # raises LinkRefused
    link_token_consume("attendance", token)    # inside the same transaction as the change

`LinkRefused.reason` is one of "invalid", "expired" or "used"; `LinkRefused.message` says so in
words a learner understands, and `link_refused_response` renders that as a page.
"""

import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

REASONS = ("invalid", "expired", "used")


class LinkRefused(Exception):
    def __init__(self, reason: str):
        assert reason in REASONS
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> str:
        if self.reason == "expired":
            return _("This link has expired. Use the link in a newer message, or sign in.")
        if self.reason == "used":
            return _("This link has already been used, so nothing was changed.")
        return _("This link is not valid. It may have been copied incompletely.")


def _salt(purpose: str) -> str:
    return f"peerpath.link.{purpose}"


def link_token_make(purpose: str, payload: dict, *, once: bool = False) -> str:
    """Return a URL-safe token for `payload` (a small JSON-able dict) bound to `purpose`."""
    value = dict(payload)
    if once:
        value["_n"] = secrets.token_urlsafe(9)
    return signing.dumps(value, salt=_salt(purpose), compress=True)


def link_token_read(purpose: str, token: str, *, max_age: int | None = None) -> dict:
    """Return the payload, or raise LinkRefused("invalid" | "expired" | "used").

    Reading never records anything; a once-only link is checked here and recorded as used by
    `link_token_consume`.
    """
    try:
        value = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused("invalid") from None
    if not isinstance(value, dict):
        raise LinkRefused("invalid")
    if "_n" in value and _used(purpose, token):
        raise LinkRefused("used")
    return {k: v for k, v in value.items() if k != "_n"}


def _digest(purpose: str, token: str) -> str:
    return hashlib.sha256(f"{purpose}\n{token}".encode()).hexdigest()


def _used(purpose: str, token: str) -> bool:
    from peerpath.common.models import UsedLink

    return UsedLink.objects.filter(digest=_digest(purpose, token)).exists()


def link_token_consume(purpose: str, token: str) -> None:
    """Record a once-only link as used; raise LinkRefused("used") if it already was.

    Call it inside the transaction that makes the change, so that a refused second use rolls the
    change back and two simultaneous clicks cannot both succeed.
    """
    from peerpath.common.models import UsedLink

    try:
        with transaction.atomic():
            UsedLink.objects.create(digest=_digest(purpose, token), purpose=purpose[:40])
    except IntegrityError:
        raise LinkRefused("used") from None


def link_refused_response(request, refused: LinkRefused, *, status: int | None = None):
    """A plain page that says why the link was refused (400 invalid, 410 expired/used)."""
    from django.shortcuts import render

    code = status or (400 if refused.reason == "invalid" else 410)
    return render(
        request,
        "common/link_refused.html",
        {"reason": refused.reason, "message": refused.message},
        status=code,
    )
