"""Message kinds caused by grouping."""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


@register("group_intro", "Your study group: members and meeting time")
def build_group_intro(message) -> dict:
    from peerpath.common.timefmt import format_local
    from peerpath.grouping.models import StudyGroup
    from peerpath.grouping.selectors import group_members
    from peerpath.meetings.selectors import meeting_list_for_group
    from peerpath.meetings.services import meeting_invite_ics, meeting_video_url

    group = StudyGroup.objects.select_related("run__course").get(pk=message.context["group"])
    tz = message.recipient.timezone
    enrolment = next(
        (e for e in group_members(group=group) if e.user_id == message.recipient.pk), None
    )
    if enrolment is not None:
        tz = enrolment.timezone
    meetings = [m for m in meeting_list_for_group(group=group) if m.status == "scheduled"]
    invite = meeting_invite_ics(meetings=meetings, method="REQUEST", tzid=tz) if meetings else b""
    return {
        "attachments": [("invite.ics", invite, "text/calendar; method=REQUEST")] if invite else [],
        "group": group,
        "run": group.run,
        "members": group_members(group=group),
        "first_meeting": format_local(meetings[0].starts_at, tz) if meetings else "",
        "first_leader": meetings[0].leader.user.name if meetings and meetings[0].leader else "",
        "video_url": meeting_video_url(group=group),
        "home_url": settings.SITE_URL + reverse("home"),
        "calendar_url": settings.SITE_URL + reverse("meetings:group_calendar", args=[group.pk]),
    }
