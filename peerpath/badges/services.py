"""Issuing, verifying and revoking Open Badges 3.0 credentials (adapter around
`peerpath.badges.credential`)."""

from __future__ import annotations

import datetime as dt
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.badges import credential as ob
from peerpath.badges.models import Achievement, BadgeCredential, IssuerKey
from peerpath.common.errors import ApplicationError


def issuer_id() -> str:
    return settings.SITE_URL + reverse("badges:issuer")


def issuer_profile() -> dict:
    name = getattr(settings, "PEERPATH_BADGE_ISSUER_NAME", "PeerPath")
    return ob.profile(issuer_id=issuer_id(), name=name, url=settings.SITE_URL + "/")


def issuer_key_active() -> IssuerKey:
    """The signing key, made on first use."""
    key = IssuerKey.objects.filter(active=True).order_by("-created_at").first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    try:
        with transaction.atomic():
            return IssuerKey.objects.create(
                kid=secrets.token_hex(8), private_key=raw_private, public_key=raw_public
            )
    except IntegrityError:  # pragma: no cover - two first uses at once
        return IssuerKey.objects.filter(active=True).order_by("-created_at").first()


def key_url(key: IssuerKey) -> str:
    return settings.SITE_URL + reverse("badges:jwks") + "#" + key.kid


def public_keys() -> dict[str, bytes]:
    return {key_url(k): bytes(k.public_key) for k in IssuerKey.objects.all()}


def achievement_for_course(*, course) -> Achievement:
    achievement, _created = Achievement.objects.get_or_create(
        course=course,
        defaults={
            "name": course.title,
            "description": course.summary or _("Completed the course %(title)s.") % {
                "title": course.title
            },
            "criteria": _(
                "Completed every required activity of a run of %(title)s and met the run's "
                "completion rules (meetings attended, assessments passed)."
            )
            % {"title": course.title},
        },
    )
    return achievement


def achievement_data(achievement: Achievement) -> dict:
    course = achievement.course
    return ob.achievement(
        achievement_id=settings.SITE_URL
        + reverse("badges:achievement", args=[course.slug]),
        name=achievement.name,
        description=achievement.description,
        criteria=achievement.criteria,
        language=course.language,
    )


def credential_issue_for_completion(*, completion) -> BadgeCredential:
    """Issue the course badge for a run completion and queue the mail; once per enrolment."""
    from peerpath.messaging.services import outbox_enqueue

    enrolment = completion.enrolment
    existing = BadgeCredential.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    achievement = achievement_for_course(course=enrolment.run.course)
    key = issuer_key_active()
    now = timezone.now()
    badge = BadgeCredential(
        enrolment=enrolment, achievement=achievement, issued_at=now, key=key
    )
    data = ob.credential_build(
        credential_id=badge.urn,
        issuer=issuer_profile(),
        achievement=achievement_data(achievement),
        email=enrolment.user.email,
        salt=secrets.token_hex(8),
        issued_at=now,
        awarded_at=completion.completed_at,
        status_url=settings.SITE_URL + reverse("badges:revocations"),
    )
    badge.token = ob.credential_sign(data, private_key=bytes(key.private_key), kid=key_url(key))
    with transaction.atomic():
        badge.save()
        outbox_enqueue(
            key=f"badge_issued:{badge.pk}",
            kind="badge_issued",
            run=enrolment.run,
            recipient=enrolment.user,
            context={"badge": badge.pk},
        )
    return badge


def credential_check(token: str, *, now: dt.datetime | None = None) -> tuple[dict, object]:
    """Verify a VC-JWT issued here: (credential, the stored BadgeCredential or None).
    Raises CredentialInvalid, also when the credential is revoked."""
    now = now or timezone.now()
    data = ob.credential_verify(token, public_keys=public_keys(), now=now)
    stored = None
    if str(data.get("id", "")).startswith("urn:uuid:"):
        stored = BadgeCredential.objects.filter(uuid=data["id"][9:]).first()
    if stored is not None and stored.revoked_at is not None:
        raise ob.CredentialInvalid(
            _("revoked on %(date)s: %(reason)s")
            % {"date": stored.revoked_at.date(), "reason": stored.revocation_reason or "—"}
        )
    return data, stored


def credential_revoke(*, badge: BadgeCredential, reason: str) -> BadgeCredential:
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the badge is revoked."), field="reason")
    if badge.revoked_at is None:
        badge.revoked_at = timezone.now()
        badge.revocation_reason = reason[:300]
        badge.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    return badge
