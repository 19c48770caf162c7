"""What a learner sees on their home page."""

import datetime as dt
from dataclasses import dataclass, field

from peerpath.common.timefmt import format_local
from peerpath.courses.selectors import run_week
from peerpath.progress.models import Completion


@dataclass
class ActivityRow:
    activity: object
    done: bool


@dataclass
class LearnerHome:
    enrolment: object
    week: int
    weeks: int
    module: object | None
    activities: list[ActivityRow] = field(default_factory=list)
    group: object | None = None
    members: list = field(default_factory=list)
    next_meeting: object | None = None
    next_meeting_local: str = ""
    video_url: str = ""
    done_count: int = 0
    required_count: int = 0
    modules: list = field(default_factory=list)


def learner_home(*, enrolment, now: dt.datetime) -> LearnerHome:
    from peerpath.courses.models import Activity, Module
    from peerpath.grouping.selectors import group_for_enrolment, group_members
    from peerpath.meetings.selectors import meeting_next_for_enrolment
    from peerpath.meetings.services import meeting_video_url

    run = enrolment.run
    modules = list(Module.objects.filter(course=run.course).prefetch_related("activities"))
    weeks = len(modules)
    week = run_week(run=run, on=now.date())
    shown_week = min(max(week, 1), weeks) if weeks else 0
    module = next((m for m in modules if m.position == shown_week), None)
    done_ids = set(
        Completion.objects.filter(enrolment=enrolment).values_list("activity_id", flat=True)
    )
    home = LearnerHome(enrolment=enrolment, week=week, weeks=weeks, module=module, modules=modules)
    if module is not None:
        home.activities = [ActivityRow(a, a.pk in done_ids) for a in module.activities.all()]
    required = Activity.objects.filter(module__course=run.course, required=True)
    home.required_count = required.count()
    home.done_count = required.filter(pk__in=done_ids).count()
    home.group = group_for_enrolment(enrolment=enrolment)
    if home.group is not None and home.group.status == "published":
        home.members = group_members(group=home.group)
        home.next_meeting = meeting_next_for_enrolment(enrolment=enrolment, now=now)
        if home.next_meeting is not None:
            home.next_meeting_local = format_local(home.next_meeting.starts_at, enrolment.timezone)
        home.video_url = meeting_video_url(group=home.group)
    elif home.group is not None:
        home.group = None  # a draft group is not shown to learners until staff publish it
    return home
