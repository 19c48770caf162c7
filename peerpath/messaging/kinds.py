"""Message kinds of the run loop that belong to no single app: the weekly module mail and the
time-triggered messages the planner writes (run start, meeting reminder, leader and facilitator
briefings, inactivity nudge, survey reminder).

Every builder reads current data from the ids in the outbox row, so a course edit or a moved
meeting is never sent stale. The weekly mail also has a batch builder for large sends.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from peerpath.messaging.registry import register, register_batch


def _home_url() -> str:
    try:
        return settings.SITE_URL + reverse("home")
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def _done_url(enrolment_id: int, activity_id: int) -> str:
    """The signed one-click "done" link of an activity, when progress provides it."""
    try:
        from peerpath.progress.links import done_token
    except ImportError:
        return ""
    from peerpath.messaging.services.render import _path

    try:
        token = done_token(enrolment_id=enrolment_id, activity_id=activity_id)
        return settings.SITE_URL + _path("done_link", token)
    except Exception:  # a link that cannot be made leaves the line without it
        return ""


def _video_url(group) -> str:
    try:
        from peerpath.meetings.services import meeting_video_url

        return meeting_video_url(group=group)
    except Exception:
        return ""


def _weekly_context(
    enrolment, week: int, module, group, meeting, home_url: str, local_time=None
) -> dict:
    from peerpath.common.timefmt import format_local

    local_time = local_time or format_local
    activities = list(module.activities.all()) if module else []
    return {
        "run": enrolment.run,
        "enrolment": enrolment,
        "week": week,
        "module": module,
        "activities": [
            {
                "title": a.title,
                "minutes": a.minutes,
                "required": a.required,
                "url": a.url,
                "done_url": _done_url(enrolment.pk, a.pk),
            }
            for a in activities
        ],
        "group": group,
        "meeting": meeting,
        "meeting_time": local_time(meeting.starts_at, enrolment.timezone) if meeting else "",
        "leader": meeting.leader.user.name if meeting and meeting.leader else "",
        "you_lead": bool(meeting and meeting.leader_id == enrolment.pk),
        "home_url": home_url,
    }


@register("weekly_module", "This week's module: what to do, your leader, your meeting time")
def build_weekly_module(message) -> dict:
    return build_weekly_module_many([message])[0]


@register_batch("weekly_module")
def build_weekly_module_many(messages) -> list[dict]:
    """Contexts of many weekly mails in a constant number of queries."""
    from django.db.models import Prefetch

    from peerpath.accounts.models import User
    from peerpath.courses.models import Activity, Module, Run
    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.models import GroupMembership, StudyGroup
    from peerpath.meetings.models import Meeting

    enrolment_ids = {m.context["enrolment"] for m in messages}
    enrolments = Enrolment.objects.in_bulk(enrolment_ids)
    # Each run, course and person once, shared by the rows that name them.
    runs = Run.objects.select_related("course").in_bulk({e.run_id for e in enrolments.values()})
    people = {
        m.recipient_id: m.recipient
        for m in messages
        if m.recipient_id and type(m).recipient.is_cached(m)
    }
    missing = {e.user_id for e in enrolments.values()} - people.keys()
    people.update(User.objects.in_bulk(missing) if missing else {})
    for enrolment in enrolments.values():
        enrolment.run = runs[enrolment.run_id]
        enrolment.user = people[enrolment.user_id]
    course_ids = {e.run.course_id for e in enrolments.values()}
    modules = {
        (m.course_id, m.position): m
        for m in Module.objects.filter(course_id__in=course_ids).prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("position"))
        )
    }
    group_ids = dict(
        GroupMembership.objects.filter(enrolment_id__in=enrolment_ids).values_list(
            "enrolment_id", "group_id"
        )
    )
    by_id = StudyGroup.objects.in_bulk(set(group_ids.values()))
    groups = {e: by_id[g] for e, g in group_ids.items()}
    weeks = {int(m.context["week"]) for m in messages}
    meetings = {
        (mt.group_id, mt.week): mt
        for mt in Meeting.objects.filter(
            group_id__in={g.pk for g in groups.values()}, week__in=weeks, status="scheduled"
        ).select_related("leader__user")
    }
    home_url = _home_url()
    local_time = _local_time_memo()
    contexts = []
    for message in messages:
        enrolment = enrolments[message.context["enrolment"]]
        week = int(message.context["week"])
        group = groups.get(enrolment.pk)
        contexts.append(
            _weekly_context(
                enrolment,
                week,
                modules.get((enrolment.run.course_id, week)),
                group,
                meetings.get((group.pk, week)) if group else None,
                home_url,
                local_time,
            )
        )
    return contexts


def _local_time_memo():
    """`format_local` remembered for one batch: a group's members share a meeting and most
    share a timezone, and formatting a date in a language costs more than the rest of the
    context. The active language does not change within a batch."""
    from peerpath.common.timefmt import format_local

    seen: dict = {}

    def local_time(instant, tz_name: str) -> str:
        key = (instant, tz_name)
        if key not in seen:
            seen[key] = format_local(instant, tz_name)
        return seen[key]

    return local_time


def _enrolment_context(message) -> dict:
    from peerpath.enrollment.models import Enrolment

    enrolment = Enrolment.objects.select_related("run__course", "user").get(
        pk=message.context["enrolment"]
    )
    return {"enrolment": enrolment, "run": enrolment.run, "home_url": _home_url()}


@register("run_start", "The run starts today: where to begin")
def build_run_start(message) -> dict:
    from peerpath.courses.models import Module

    context = _enrolment_context(message)
    run = context["run"]
    context["module"] = Module.objects.filter(course=run.course, position=1).first()
    return context


def _meeting_context(message) -> dict:
    """A meeting seen by the recipient: time in their timezone, leader, tasks, room."""
    from peerpath.common.timefmt import format_local
    from peerpath.enrollment.models import Enrolment
    from peerpath.grouping.selectors import group_members
    from peerpath.meetings.models import Meeting

    meeting = Meeting.objects.select_related("group__run__course", "module", "leader__user").get(
        pk=message.context["meeting"]
    )
    enrolment = None
    if message.context.get("enrolment"):
        enrolment = Enrolment.objects.filter(pk=message.context["enrolment"]).first()
    tz = (enrolment.timezone if enrolment else "") or message.recipient.timezone or "UTC"
    tasks = None
    try:
        from peerpath.meetings.selectors import meeting_tasks

        tasks = meeting_tasks(meeting)
    except Exception:  # tasks are a courtesy: the module text still says what to discuss
        tasks = None
    return {
        "meeting": meeting,
        "group": meeting.group,
        "run": meeting.group.run,
        "module": meeting.module,
        "meeting_time": format_local(meeting.starts_at, tz),
        "timezone": tz,
        "leader": meeting.leader.user.name if meeting.leader else "",
        "you_lead": bool(enrolment and meeting.leader_id == enrolment.pk),
        "tasks": tasks,
        "task_items": list(tasks.items) if tasks else [],
        "discussion_tasks": meeting.module.discussion_tasks if meeting.module else "",
        "members": group_members(group=meeting.group),
        "video_url": _video_url(meeting.group),
        "home_url": _home_url(),
    }


@register("meeting_reminder", "Reminder: your group meets soon")
def build_meeting_reminder(message) -> dict:
    return _meeting_context(message)


@register("leader_briefing", "You lead this week's discussion: the tasks to discuss")
def build_leader_briefing(message) -> dict:
    return _meeting_context(message)


@register("facilitator_briefing", "Facilitator: the group you visit, its members and tasks")
def build_facilitator_briefing(message) -> dict:
    return _meeting_context(message)


@register("inactivity_nudge", "We have not seen you for a while: this week's work")
def build_inactivity_nudge(message) -> dict:
    context = _enrolment_context(message)
    context["days"] = message.context.get("days", 0)
    return context


@register("survey_reminder", "Survey reminder: your answers are still missing")
def build_survey_reminder(message) -> dict:
    from peerpath.messaging.registry import get_kind

    invitation = get_kind("survey_invitation").build_context
    return {**invitation(message), "reminder": True}
