"""Reads of issued badges."""

from peerpath.badges.models import BadgeCredential


def badge_for_enrolment(*, enrolment) -> BadgeCredential | None:
    return BadgeCredential.objects.filter(enrolment=enrolment).first()
