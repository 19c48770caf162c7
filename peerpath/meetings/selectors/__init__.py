"""Reads for meetings: a group's series, a learner's next meeting, and who may see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from ..models import Attendance, CalendarFeed, Meeting, MeetingSettings

_MEETING_RELATED = ("group__run__course", "module", "leader__user", "facilitator")


def meeting_list_for_group(*, group: StudyGroup) -> QuerySet[Meeting]:
    """Every meeting of the group, cancelled ones included, in week order."""
    return Meeting.objects.filter(group=group).select_related(*_MEETING_RELATED).order_by("week")


def meeting_next_for_enrolment(*, enrolment: Enrolment, now: dt.datetime) -> Meeting | None:
    """The learner's group's next scheduled meeting that has not ended yet (one in progress
    counts as next), or None when the learner has no group or no meeting is left."""
    return (
        Meeting.objects.filter(
            group__memberships__enrolment=enrolment,
            status=Meeting.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related(*_MEETING_RELATED)
        .order_by("starts_at")
        .first()
    )


def meeting_group_get_for_user(*, group_id: int, user) -> StudyGroup | None:
    """The group if `user` is a member of it or staff; None otherwise, whether or not the
    group exists, so that callers cannot reveal which groups exist."""
    if not user.is_authenticated:
        return None
    groups = StudyGroup.objects.select_related("run__course")
    if not user.is_staff:
        groups = groups.filter(
            Q(pk__in=GroupMembership.objects.filter(enrolment__user=user).values("group_id"))
            | Q(run_id__in=_staff_run_ids(user))
        )
    return groups.filter(pk=group_id).first()


def _staff_run_ids(user):
    """Runs in which `user` is an instructor, facilitator or tutor (run staff see every group)."""
    from peerpath.accounts.access import STAFF_ROLES
    from peerpath.accounts.models import RunRole

    return RunRole.objects.filter(user=user, role__in=STAFF_ROLES).values("run_id")


def meeting_get_for_user(*, meeting_id: int, user) -> Meeting | None:
    """The meeting if `user` is a member of its group or staff; None otherwise."""
    if not user.is_authenticated:
        return None
    meetings = Meeting.objects.select_related(*_MEETING_RELATED)
    if not user.is_staff:
        meetings = meetings.filter(
            Q(group_id__in=GroupMembership.objects.filter(enrolment__user=user).values("group_id"))
            | Q(group__run_id__in=_staff_run_ids(user))
        )
    return meetings.filter(pk=meeting_id).first()


def meeting_member_timezone(*, group: StudyGroup, user) -> str | None:
    """The timezone the user gave when enrolling in the group's run, if they are a member."""
    return (
        GroupMembership.objects.filter(group=group, enrolment__user=user)
        .values_list("enrolment__timezone", flat=True)
        .first()
    )


# --- tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingTasks:
    """What a meeting's group discusses: the module's discussion tasks (Markdown) and the
    week's synchronous activities, visible to members from `visible_from` on."""

    meeting_id: int
    week: int
    module_title: str
    text: str
    items: list[str] = field(default_factory=list)
    activities: list = field(default_factory=list)
    visible_from: dt.datetime | None = None

    def visible(self, now: dt.datetime) -> bool:
        return self.visible_from is None or now >= self.visible_from


def meeting_settings_get(*, run) -> MeetingSettings:
    """The run's meeting settings, or the defaults (unsaved) when it has none."""
    return MeetingSettings.objects.filter(run=run).first() or MeetingSettings(run=run)


def meeting_tasks(meeting: Meeting) -> MeetingTasks:
    """The discussion tasks of a meeting (for the group page, the leader's briefing, the
    weekly mail). `items` are the Markdown list items of the tasks, or its paragraphs;
    members see them from `visible_from` on (the run's `tasks_visible_hours` before)."""
    return meeting_tasks_with(meeting, meeting_settings_get(run=meeting.group.run))


def _task_items(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    bullets = [
        line[2:].strip() if line[:2] in ("- ", "* ", "+ ") else line.split(". ", 1)[1].strip()
        for line in lines
        if line[:2] in ("- ", "* ", "+ ") or (". " in line and line.split(". ", 1)[0].isdigit())
    ]
    if bullets:
        return bullets
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


# --- activity and attendance ------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    meeting_id: int
    group_id: int
    week: int
    starts_at: dt.datetime
    enrolment_id: int
    present: bool


def attendance_for_run(run) -> list[AttendanceRow]:
    """Every recorded attendance of the run's meetings (one row per member and meeting whose
    attendance was recorded), in meeting order; for progress, repair and analytics."""
    rows = (
        Attendance.objects.filter(meeting__group__run=run)
        .order_by("meeting__starts_at", "meeting_id", "enrolment_id")
        .values_list(
            "meeting_id",
            "meeting__group_id",
            "meeting__week",
            "meeting__starts_at",
            "enrolment_id",
            "present",
        )
    )
    return [AttendanceRow(*row) for row in rows]


def member_last_activity(*, enrolment_ids: list[int]) -> dict[int, dt.datetime | None]:
    """The latest sign of life of each enrolment: progress's `last_activity_at` when that
    exists, else the latest of completions, meetings attended, sign-in and confirmation."""
    enrolments = list(Enrolment.objects.filter(pk__in=enrolment_ids).select_related("user"))
    latest: dict[int, dt.datetime | None] = {}
    try:
        from peerpath.progress.selectors import last_activity_at
    except ImportError:
        last_activity_at = None
    if last_activity_at is not None:
        found = last_activity_at(enrolments)
        if isinstance(found, dict):
            for enrolment in enrolments:
                value = found.get(enrolment.pk, found.get(enrolment))
                latest[enrolment.pk] = _latest(value, enrolment.confirmed_at)
            return latest
    from django.db.models import Max

    from peerpath.progress.models import Completion

    completed = dict(
        Completion.objects.filter(enrolment_id__in=enrolment_ids)
        .values("enrolment_id")
        .annotate(last=Max("completed_at"))
        .values_list("enrolment_id", "last")
    )
    attended = dict(
        Attendance.objects.filter(enrolment_id__in=enrolment_ids, present=True)
        .values("enrolment_id")
        .annotate(last=Max("meeting__ends_at"))
        .values_list("enrolment_id", "last")
    )
    for enrolment in enrolments:
        latest[enrolment.pk] = _latest(
            completed.get(enrolment.pk),
            attended.get(enrolment.pk),
            enrolment.user.last_login,
            enrolment.confirmed_at,
        )
    return latest


def _latest(*values):
    present = [value for value in values if value is not None]
    return max(present) if present else None


# --- feeds ------------------------------------------------------------------------------------


def feed_get_by_token(*, token: str) -> CalendarFeed | None:
    if not token or len(token) > 40:
        return None
    return CalendarFeed.objects.select_related("user", "group__run").filter(token=token).first()


def feed_meetings(*, feed: CalendarFeed) -> tuple[list[Meeting], str | None]:
    """The meetings a feed shows and the timezone to show them in."""
    meetings = Meeting.objects.select_related(*_MEETING_RELATED).order_by("starts_at", "pk")
    if feed.scope == CalendarFeed.Scope.GROUP:
        return list(meetings.filter(group_id=feed.group_id)), feed.group.run.timezone
    if feed.scope == CalendarFeed.Scope.FACILITATOR:
        return list(meetings.filter(facilitator_id=feed.user_id)), feed.user.timezone
    enrolments = Enrolment.objects.filter(user_id=feed.user_id).exclude(
        status=Enrolment.Status.WITHDRAWN
    )
    groups = GroupMembership.objects.filter(enrolment__in=enrolments).values("group_id")
    zone = enrolments.order_by("-created_at").values_list("timezone", flat=True).first()
    return list(meetings.filter(group_id__in=groups)), zone or feed.user.timezone


def visits_for_facilitator(*, user) -> list[Meeting]:
    """The meetings `user` visits as a facilitator, in time order."""
    return list(
        Meeting.objects.filter(facilitator=user)
        .select_related(*_MEETING_RELATED)
        .order_by("starts_at", "pk")
    )


# The group page reads live in their own module; they are part of this module's API.
from . import group_page as _group_page  # noqa: E402

GroupPage = _group_page.GroupPage
MeetingRow = _group_page.MeetingRow
MemberCard = _group_page.MemberCard
facilitator_pool = _group_page.facilitator_pool
feedback_of = _group_page.feedback_of
group_enrolment_of = _group_page.group_enrolment_of
group_page_data = _group_page.group_page_data
meeting_action_links = _group_page.meeting_action_links
meeting_tasks_with = _group_page.meeting_tasks_with
