"""Users, sign-in links, roles and API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import ApiToken, LinkRequest, RunRole, hash_token
from peerpath.common.errors import ApplicationError

User = get_user_model()


def user_get_or_create(
    *, email: str, name: str = "", timezone_name: str = "UTC", language: str = "en"
):
    """The user with this e-mail (case-insensitive), created without a password if new."""
    email = User.objects.normalize_email(email.strip())
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user
    user = User(
        email=email,
        username=email.lower()[:150],
        display_name=name,
        timezone=timezone_name,
        language=language,
    )
    user.set_unusable_password()
    user.save()
    return user


def link_request_check(*, kind: str, email: str, client: str) -> None:
    """Refuse when this address or this client asked for too many links recently; else record."""
    limit = settings.PEERPATH_LINK_RATE_LIMIT
    since = timezone.now() - dt.timedelta(seconds=settings.PEERPATH_LINK_RATE_WINDOW_SECONDS)
    recent = LinkRequest.objects.filter(kind=kind, created_at__gte=since)
    by_email = recent.filter(email=email.strip().lower()).count()
    by_client = recent.filter(client=client).count()
    if by_email >= limit or by_client >= limit * 4:
        raise ApplicationError(
            _("Too many requests for a link. Please wait a few minutes and try again."),
            field="email",
        )
    LinkRequest.objects.create(kind=kind, email=email.strip().lower(), client=client[:64])


def signin_link_request(*, email: str, client: str) -> None:
    """Mail a one-time sign-in link if the address belongs to an account.

    Says nothing about whether the account exists (the page answers the same either way)."""
    from peerpath.messaging.services import outbox_enqueue

    link_request_check(kind="signin", email=email, client=client)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        outbox_enqueue(key=f"signin:{user.pk}:{stamp}", kind="signin_link", recipient=user)


def run_role_grant(*, run, user, role: str) -> RunRole:
    if role not in RunRole.Role.values:
        raise ApplicationError(_("Unknown role."), field="role")
    obj, _created = RunRole.objects.get_or_create(run=run, user=user, role=role)
    return obj


def run_role_grant_many(*, run, users, role: str) -> None:
    """Grant one role to many users at once; roles already held are left as they are."""
    if role not in RunRole.Role.values:
        raise ApplicationError(_("Unknown role."), field="role")
    RunRole.objects.bulk_create(
        [RunRole(run=run, user=user, role=role) for user in users],
        batch_size=1000,
        ignore_conflicts=True,
    )


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its raw value, which is never stored or shown again."""
    if not name.strip():
        raise ApplicationError(_("Give the token a name."), field="name")
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), token_hash=hash_token(raw), prefix=raw[3:9]
    )
    return token, raw


def api_token_authenticate(*, raw: str):
    """The user a raw token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
