"""Signed, expiring, one-time links: sign-in and e-mail confirmation.

A sign-in token is bound to the user's last_login, so it stops working the moment it is used
(a second click changes nothing) — the same construction as Django's password-reset tokens.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.crypto import constant_time_compare


class SignInTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "peerpath.accounts.signin"

    def _make_hash_value(self, user, timestamp):
        login = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{login}{timestamp}{user.email}{user.is_active}"


signin_tokens = SignInTokenGenerator()


def make_signin_token(user) -> str:
    return signing.dumps({"u": user.pk, "t": signin_tokens.make_token(user)}, salt="signin")


def read_signin_token(raw: str, *, max_age: int):
    """Return the user the token signs in, or None if it is forged, expired or already used."""
    from peerpath.accounts.models import User

    try:
        payload = signing.loads(raw, salt="signin", max_age=max_age)
        user = User.objects.get(pk=payload["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return None
    token = payload.get("t", "")
    if not isinstance(token, str) or not signin_tokens.check_token(user, token):
        return None
    return user


def make_signed_value(value, *, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


def read_signed_value(raw: str, *, salt: str, max_age: int | None = None):
    """Return the signed value, or raise signing.BadSignature / SignatureExpired."""
    return signing.loads(raw, salt=salt, max_age=max_age)


__all__ = ["constant_time_compare", "make_signin_token", "read_signin_token"]
