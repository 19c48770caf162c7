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


@register("facilitator_visits", "Facilitator: your group visits were assigned or changed")
def build_facilitator_visits(message) -> dict:
    """The facilitator's visits in the run still to come (new ones marked), those taken off
    them, in their own timezone, with their calendar feed."""
    from django.utils import timezone

    from peerpath.common.timefmt import format_local

    from .models import CalendarFeed, Facilitator, Meeting
    from .services import calendar_feed_get

    run = message.run
    user = message.recipient
    added = set(message.context.get("added", []))
    removed_ids = set(message.context.get("removed", []))
    pool_entry = Facilitator.objects.filter(run=run, user=user).first()
    zone = (pool_entry.timezone if pool_entry else "") or _recipient_timezone(user, run)
    related = ("group__run", "module")
    visits = (
        Meeting.objects.filter(
            facilitator=user,
            group__run=run,
            status=Meeting.Status.SCHEDULED,
            ends_at__gt=timezone.now(),
        )
        .select_related(*related)
        .order_by("starts_at", "pk")
    )
    removed = (
        Meeting.objects.filter(pk__in=removed_ids)
        .exclude(facilitator=user)
        .select_related(*related)
        .order_by("starts_at", "pk")
    )

    def row(meeting) -> dict:
        return {
            "group": meeting.group.number,
            "week": meeting.week,
            "module": meeting.module.title if meeting.module else "",
            "when": format_local(meeting.starts_at, zone),
            "new": meeting.pk in added,
            "group_url": _group_url(meeting.group),
        }

    visits, removed = list(visits), list(removed)
    feed_url = ""
    if pool_entry is not None or visits or removed:  # a preview for a learner makes no feed
        feed = calendar_feed_get(scope=CalendarFeed.Scope.FACILITATOR, user=user)
        feed_url = settings.SITE_URL + reverse("meetings:feed", args=[feed.token])
    return {
        "run": run,
        "timezone": zone,
        "visits": [row(m) for m in visits],
        "removed": [row(m) for m in removed],
        "new_count": sum(1 for m in visits if m.pk in added),
        "feed_url": feed_url,
        "visits_url": settings.SITE_URL + reverse("meetings:my_visits"),
    }
