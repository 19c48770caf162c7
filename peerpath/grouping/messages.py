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


def weekly_time_local(hour_utc: int, tz_name: str, *, near) -> str:
    """The group's weekly hour as weekday and time in the learner's timezone ('Tuesday 19:00
    (Europe/Oslo)'), taken in the week of `near` so daylight saving is honoured."""
    import datetime as dt

    from django.utils import formats

    from peerpath.common.timefmt import to_local

    monday = (near - dt.timedelta(days=near.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    instant = monday.astimezone(dt.UTC) + dt.timedelta(hours=hour_utc)
    local = to_local(instant, tz_name)
    return f"{formats.date_format(local, 'l H:i')} ({tz_name})"


@register("group_changed", "Your study group changed: new group and meeting time")
def build_group_changed(message) -> dict:
    from django.utils import timezone

    from peerpath.common.timefmt import format_local
    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.models import StudyGroup
    from peerpath.grouping.selectors import group_members
    from peerpath.meetings.selectors import meeting_list_for_group
    from peerpath.meetings.services import meeting_video_url

    group = StudyGroup.objects.select_related("run__course").get(pk=message.context["group"])
    enrolment = Enrolment.objects.filter(pk=message.context.get("enrolment")).first()
    tz = enrolment.timezone if enrolment else message.recipient.timezone
    previous = StudyGroup.objects.filter(pk=message.context.get("previous_group")).first()
    now = timezone.now()
    upcoming = [
        m
        for m in meeting_list_for_group(group=group)
        if m.status == "scheduled" and m.starts_at >= now
    ]
    return {
        "group": group,
        "previous": previous,
        "run": group.run,
        "members": group_members(group=group),
        "weekly_time": weekly_time_local(group.hour_utc, tz, near=now),
        "next_meeting": format_local(upcoming[0].starts_at, tz) if upcoming else "",
        "time_changed": previous is None or previous.hour_utc != group.hour_utc,
        "video_url": meeting_video_url(group=group),
        "home_url": settings.SITE_URL + reverse("home"),
        "calendar_url": settings.SITE_URL + reverse("meetings:group_calendar", args=[group.pk]),
    }


@register(
    "group_seat_released",
    "Your seat in a study group went to an active learner; welcome back any time",
)
def build_group_seat_released(message) -> dict:
    from peerpath.courses.models import Run
    from peerpath.grouping.models import StudyGroup

    group = StudyGroup.objects.filter(pk=message.context.get("group")).first()
    return {
        "group": group,
        "run": Run.objects.select_related("course").get(pk=message.run_id),
        "quiet_days": message.context.get("quiet_days"),
        "home_url": settings.SITE_URL + reverse("home"),
    }
