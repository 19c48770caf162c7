"""Message kind caused by badges: your badge is ready."""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


@register("badge_issued", "Your Open Badge for completing the course")
def build_badge_issued(message) -> dict:
    from peerpath.badges.models import BadgeCredential

    badge = BadgeCredential.objects.select_related("enrolment__run", "achievement").get(
        pk=message.context["badge"]
    )
    return {
        "attachments": [
            (f"badge-{badge.uuid}.jwt", badge.token.encode(), "application/vc+jwt"),
        ],
        "badge": badge,
        "run": badge.enrolment.run,
        "verify_url": settings.SITE_URL + reverse("badges:verify", args=[badge.uuid]),
        "download_url": settings.SITE_URL + reverse("badges:download", args=[badge.uuid]),
    }
