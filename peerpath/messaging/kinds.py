"""Message kinds of the run loop that belong to no single app: the weekly module mail."""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


@register("weekly_module", "This week's module: what to do, your leader, your meeting time")
def build_weekly_module(message) -> dict:
    from peerpath.common.timefmt import format_local
    from peerpath.courses.models import Module
    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.selectors import group_for_enrolment
    from peerpath.meetings.models import Meeting

    enrolment = Enrolment.objects.select_related("run__course", "user").get(
        pk=message.context["enrolment"]
    )
    week = int(message.context["week"])
    module = (
        Module.objects.filter(course=enrolment.run.course, position=week)
        .prefetch_related("activities")
        .first()
    )
    group = group_for_enrolment(enrolment=enrolment)
    meeting = None
    if group is not None:
        meeting = (
            Meeting.objects.select_related("leader__user")
            .filter(group=group, week=week, status="scheduled")
            .first()
        )
    return {
        "run": enrolment.run,
        "week": week,
        "module": module,
        "activities": list(module.activities.all()) if module else [],
        "group": group,
        "meeting_time": format_local(meeting.starts_at, enrolment.timezone) if meeting else "",
        "leader": meeting.leader.user.name if meeting and meeting.leader else "",
        "you_lead": bool(meeting and meeting.leader_id == enrolment.pk),
        "home_url": settings.SITE_URL + reverse("home"),
    }
