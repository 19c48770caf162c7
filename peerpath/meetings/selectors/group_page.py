"""Reads for the group page: members with what they share, meetings with attendance, the
group's notes and the links a member can use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from ..models import Attendance, Meeting, MeetingSettings
from . import (
    _MEETING_RELATED,
    MeetingTasks,
    _task_items,
    meeting_settings_get,
)


def group_enrolment_of(*, group: StudyGroup, user) -> Enrolment | None:
    """The user's enrolment in the group, or None (staff looking at a group)."""
    return (
        Enrolment.objects.filter(membership__group=group, user=user)
        .select_related("user", "organisation")
        .first()
    )


def feedback_of(*, meeting: Meeting, enrolment_id):
    from ..models import MeetingFeedback

    return MeetingFeedback.objects.filter(meeting=meeting, enrolment_id=enrolment_id).first()


def facilitator_pool(*, run):
    """The run's facilitators (those who left last) with their number of visits."""
    from django.db.models import Count

    from ..models import Facilitator

    return list(
        Facilitator.objects.filter(run=run)
        .select_related("user")
        .annotate(
            visits=Count(
                "user__facilitated_meetings",
                filter=Q(
                    user__facilitated_meetings__group__run=run,
                    user__facilitated_meetings__status=Meeting.Status.SCHEDULED,
                ),
            )
        )
        .order_by("left_at", "user__email")
    )


@dataclass
class MemberCard:
    name: str
    about: str = ""
    email: str = ""
    organisation: str = ""
    is_you: bool = False
    withdrawn: bool = False


@dataclass
class MeetingRow:
    meeting: Meeting
    local: str
    leader: str = ""
    facilitator: str = ""
    you_lead: bool = False
    tasks: MeetingTasks | None = None
    tasks_visible: bool = False
    rsvp: str = ""
    coming: int = 0
    not_coming: int = 0
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    handover_url: str = ""
    feedback_url: str = ""
    your_rating: int | None = None


@dataclass
class GroupPage:
    members: list[MemberCard]
    next_meeting: MeetingRow | None
    upcoming: list[MeetingRow]
    past: list[MeetingRow]
    notes: list
    video_url: str
    timezone: str
    profile: object | None


def group_page_data(
    *, group: StudyGroup, enrolment: Enrolment | None, now: dt.datetime
) -> GroupPage:
    """Everything a member's group page shows, in a fixed number of queries."""
    from peerpath.common.timefmt import format_local

    from .. import links
    from ..models import GroupNote, MeetingFeedback, MemberProfile, Rsvp
    from ..services import meeting_video_url

    zone = enrolment.timezone if enrolment else group.run.timezone
    memberships = list(
        GroupMembership.objects.filter(group=group)
        .select_related("enrolment__user", "enrolment__organisation")
        .order_by("enrolment_id")
    )
    profiles = {
        p.enrolment_id: p for p in MemberProfile.objects.filter(enrolment__membership__group=group)
    }
    names = {m.enrolment_id: m.enrolment.user.name for m in memberships}
    members = []
    for membership in memberships:
        member = membership.enrolment
        profile = profiles.get(member.pk)
        members.append(
            MemberCard(
                name=member.user.name,
                about=profile.about if profile else "",
                email=member.user.email if profile and profile.share_email else "",
                organisation=(
                    member.organisation.name
                    if member.organisation and (profile is None or profile.share_organisation)
                    else ""
                ),
                is_you=enrolment is not None and member.pk == enrolment.pk,
                withdrawn=member.status == Enrolment.Status.WITHDRAWN,
            )
        )
    meetings = list(
        Meeting.objects.filter(group=group)
        .select_related(*_MEETING_RELATED)
        .prefetch_related("module__activities")
        .order_by("starts_at", "pk")
    )
    rsvps = list(
        Rsvp.objects.filter(meeting__group=group).values_list(
            "meeting_id", "enrolment_id", "answer"
        )
    )
    attendance = list(
        Attendance.objects.filter(meeting__group=group).values_list(
            "meeting_id", "enrolment_id", "present"
        )
    )
    ratings = {}
    if enrolment is not None:
        ratings = dict(
            MeetingFeedback.objects.filter(enrolment=enrolment).values_list("meeting_id", "rating")
        )
    settings_row = meeting_settings_get(run=group.run)

    def row(meeting: Meeting) -> MeetingRow:
        tasks = meeting_tasks_with(meeting, settings_row)
        item = MeetingRow(
            meeting=meeting,
            local=format_local(meeting.starts_at, zone),
            leader=meeting.leader.user.name if meeting.leader else "",
            facilitator=meeting.facilitator.name if meeting.facilitator else "",
            you_lead=enrolment is not None and meeting.leader_id == enrolment.pk,
            tasks=tasks,
            tasks_visible=tasks.visible(now),
            your_rating=ratings.get(meeting.pk),
        )
        for meeting_id, enrolment_id, answer in rsvps:
            if meeting_id != meeting.pk:
                continue
            if enrolment is not None and enrolment_id == enrolment.pk:
                item.rsvp = answer
            item.coming += answer == "yes"
            item.not_coming += answer == "no"
        for meeting_id, enrolment_id, present in attendance:
            if meeting_id == meeting.pk:
                (item.present if present else item.absent).append(names.get(enrolment_id, "?"))
        if enrolment is not None and meeting.is_scheduled:
            if item.you_lead and meeting.starts_at > now:
                item.handover_url = links.handover_url(
                    meeting_id=meeting.pk, enrolment_id=enrolment.pk
                )
            if meeting.starts_at <= now:
                item.feedback_url = links.feedback_url(
                    meeting_id=meeting.pk, enrolment_id=enrolment.pk
                )
        return item

    upcoming = [row(m) for m in meetings if m.ends_at > now]
    past = [row(m) for m in meetings if m.ends_at <= now]
    next_meeting = next((r for r in upcoming if r.meeting.is_scheduled), None)
    return GroupPage(
        members=members,
        next_meeting=next_meeting,
        upcoming=[r for r in upcoming if r is not next_meeting],
        past=list(reversed(past)),
        notes=list(GroupNote.objects.filter(group=group).select_related("author")),
        video_url=meeting_video_url(group=group),
        timezone=zone,
        profile=profiles.get(enrolment.pk) if enrolment else None,
    )


def meeting_tasks_with(meeting: Meeting, settings_row: MeetingSettings) -> MeetingTasks:
    """`meeting_tasks` with the run's settings already read (no query per meeting)."""
    module = meeting.module
    text = (module.discussion_tasks or "").strip() if module else ""
    activities = [a for a in module.activities.all() if a.synchronous] if module else []
    return MeetingTasks(
        meeting_id=meeting.pk,
        week=meeting.week,
        module_title=module.title if module else "",
        text=text,
        items=_task_items(text),
        activities=activities,
        visible_from=meeting.starts_at - dt.timedelta(hours=settings_row.tasks_visible_hours),
    )


def meeting_action_links(*, meeting: Meeting, enrolment: Enrolment) -> dict[str, str]:
    """Signed links a message about `meeting` can carry for `enrolment` (no login needed):
    "rsvp_yes", "rsvp_no", "feedback", and "handover" when they lead it. For the meeting
    reminder and the leader's briefing."""
    from .. import links

    urls = {
        "rsvp_yes": links.rsvp_url(meeting_id=meeting.pk, enrolment_id=enrolment.pk, answer="yes"),
        "rsvp_no": links.rsvp_url(meeting_id=meeting.pk, enrolment_id=enrolment.pk, answer="no"),
        "feedback": links.feedback_url(meeting_id=meeting.pk, enrolment_id=enrolment.pk),
    }
    if meeting.leader_id == enrolment.pk:
        urls["handover"] = links.handover_url(meeting_id=meeting.pk, enrolment_id=enrolment.pk)
    return urls
