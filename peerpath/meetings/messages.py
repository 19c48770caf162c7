"""Message kinds caused by meetings: changes, cancellations, hand-over, the attendance request.

Each is rendered at delivery from the ids in its outbox row, with times in the recipient's own
timezone (the timezone they gave for that run, else their account's).
"""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


def _recipient_timezone(user, run) -> str:
    from peerpath.enrollment.models import Enrolment

    zone = Enrolment.objects.filter(user=user, run=run).values_list("timezone", flat=True).first()
    return zone or getattr(user, "timezone", "") or run.timezone or "UTC"


def _group_url(group) -> str:
    return settings.SITE_URL + reverse("meetings:group", args=[group.pk])


def _change_context(message, *, method: str) -> dict:
    import datetime as dt

    from peerpath.common.timefmt import format_local

    from .models import Meeting, MeetingChange
    from .services import meeting_invite_ics, meeting_video_url

    change = MeetingChange.objects.select_related("group__run__course").get(
        pk=message.context["change"]
    )
    group = change.group
    run = group.run
    zone = _recipient_timezone(message.recipient, run)
    meetings = list(
        Meeting.objects.filter(pk__in=change.meeting_ids)
        .select_related("group__run__course", "module", "leader__user", "facilitator")
        .order_by("starts_at")
    )
    rows = [
        {
            "week": meeting.week,
            "before": format_local(
                dt.datetime.fromisoformat(change.previous_starts[str(meeting.pk)]), zone
            ),
            "now": format_local(meeting.starts_at, zone),
            "cancelled": not meeting.is_scheduled,
        }
        for meeting in meetings
    ]
    if method == "REQUEST":
        meetings = [meeting for meeting in meetings if meeting.is_scheduled]
    invite = meeting_invite_ics(meetings=meetings, method=method, tzid=zone) if meetings else b""
    return {
        "attachments": (
            [("invite.ics", invite, f"text/calendar; method={method}")] if invite else []
        ),
        "change": change,
        "group": group,
        "run": run,
        "rows": rows,
        "timezone": zone,
        "video_url": meeting_video_url(group=group),
        "group_url": _group_url(group),
    }


@register("meeting_changed", "A meeting or the rest of a series moved: the new times")
def build_meeting_changed(message) -> dict:
    return _change_context(message, method="REQUEST")


@register("meeting_cancelled", "A meeting was cancelled")
def build_meeting_cancelled(message) -> dict:
    return _change_context(message, method="CANCEL")


@register("meeting_leader_handover", "You now lead a group meeting (handed over to you)")
def build_meeting_leader_handover(message) -> dict:
    from peerpath.common.timefmt import format_local
    from peerpath.enrollment.models import Enrolment

    from .models import Meeting
    from .selectors import meeting_tasks

    meeting = Meeting.objects.select_related("group__run__course", "module", "leader__user").get(
        pk=message.context["meeting"]
    )
    previous = Enrolment.objects.select_related("user").filter(pk=message.context["from"]).first()
    zone = _recipient_timezone(message.recipient, meeting.group.run)
    return {
        "meeting": meeting,
        "run": meeting.group.run,
        "group": meeting.group,
        "when": format_local(meeting.starts_at, zone),
        "previous": previous.user.name if previous else "",
        "tasks": meeting_tasks(meeting),
        "group_url": _group_url(meeting.group),
    }


@register("meeting_attendance_request", "After a meeting: record who came, by a link")
def build_meeting_attendance_request(message) -> dict:
    from peerpath.common.timefmt import format_local

    from .models import Meeting

    meeting = Meeting.objects.select_related("group__run__course", "module").get(
        pk=message.context["meeting"]
    )
    zone = _recipient_timezone(message.recipient, meeting.group.run)
    return {
        "meeting": meeting,
        "run": meeting.group.run,
        "group": meeting.group,
        "when": format_local(meeting.starts_at, zone),
        "attendance_url": message.context["url"],
        "days": message.context.get("days", 14),
    }
