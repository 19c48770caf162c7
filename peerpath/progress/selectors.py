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


# The learner's path: every module with what is done, due this week, missed or still ahead.

DONE, DUE, MISSED, AHEAD = "done", "due", "missed", "ahead"


@dataclass
class PathActivity:
    activity: object
    state: str  # done | due | missed | ahead
    completed_at: dt.datetime | None = None
    source: str = ""


@dataclass
class PathModule:
    module: object
    week: int
    activities: list[PathActivity]

    @property
    def current(self) -> bool:
        return any(a.state == DUE for a in self.activities)


@dataclass
class LearnerPath:
    enrolment: object
    week: int
    modules: list[PathModule]
    counts: dict
    outcome: object
    completion: object | None


def learner_path(*, enrolment, now: dt.datetime) -> LearnerPath:
    """Every module of the run in order; an activity is done, due (this week's module), missed
    (an earlier week's, not done) or ahead. Optional activities are never "missed"."""
    from peerpath.courses.selectors import module_list
    from peerpath.progress.completion import run_completion_outcome
    from peerpath.progress.models import RunCompletion

    run = enrolment.run
    week = run_week(run=run, on=now.date())
    done = {
        c.activity_id: c
        for c in Completion.objects.filter(enrolment=enrolment).only(
            "activity_id", "completed_at", "source"
        )
    }
    modules = []
    counts = {DONE: 0, DUE: 0, MISSED: 0, AHEAD: 0}
    for module in module_list(course=run.course):
        rows = []
        for activity in module.activities.all():
            completion = done.get(activity.pk)
            if completion is not None:
                state = DONE
            elif module.position == week:
                state = DUE
            elif module.position < week:
                state = MISSED if activity.required else AHEAD
            else:
                state = AHEAD
            counts[state] += 1
            rows.append(
                PathActivity(
                    activity=activity,
                    state=state,
                    completed_at=completion.completed_at if completion else None,
                    source=completion.get_source_display() if completion else "",
                )
            )
        modules.append(PathModule(module=module, week=module.position, activities=rows))
    return LearnerPath(
        enrolment=enrolment,
        week=week,
        modules=modules,
        counts=counts,
        outcome=run_completion_outcome(enrolment=enrolment, now=now),
        completion=RunCompletion.objects.filter(enrolment=enrolment).first(),
    )


@dataclass(frozen=True)
class CompletionRates:
    enrolled: int
    started: int
    completed: int

    @property
    def of_enrolled(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def of_started(self) -> float | None:
        return self.completed / self.started if self.started else None


def run_completion_rates(*, run) -> CompletionRates:
    """Completion against all who enrolled (confirmed at some point, withdrawn included, moved
    to a later run excluded) and against those who ever started (did at least one activity or
    attended a meeting)."""
    from peerpath.enrollment.models import Enrolment
    from peerpath.progress.completion import attendance_model
    from peerpath.progress.models import RunCompletion

    enrolled = Enrolment.objects.filter(
        run=run,
        confirmed_at__isnull=False,
        moved_to__isnull=True,  # movers count in their new run
    ).exclude(status__in=[Enrolment.Status.PENDING, Enrolment.Status.WAITLISTED])
    started_ids = set(
        Completion.objects.filter(enrolment__in=enrolled).values_list("enrolment_id", flat=True)
    )
    Attendance = attendance_model()
    if Attendance is not None:
        started_ids |= set(
            Attendance.objects.filter(enrolment__in=enrolled, present=True).values_list(
                "enrolment_id", flat=True
            )
        )
    completed = RunCompletion.objects.filter(enrolment__in=enrolled).count()
    return CompletionRates(enrolled=enrolled.count(), started=len(started_ids), completed=completed)


def last_activity_at(enrolments) -> dict[int, dt.datetime | None]:
    """For each enrolment (objects or ids): the latest of its completions, meeting attendance,
    xAPI statements and the learner's sign-in, or None when there is none."""
    from django.db.models import Max

    from peerpath.enrollment.models import Enrolment
    from peerpath.progress.completion import attendance_model

    ids = [getattr(e, "pk", e) for e in enrolments]
    latest: dict[int, dt.datetime | None] = dict.fromkeys(ids)

    def offer(enrolment_id, moment):
        if moment is not None and (latest[enrolment_id] is None or moment > latest[enrolment_id]):
            latest[enrolment_id] = moment

    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for row in (
            Completion.objects.filter(enrolment_id__in=chunk)
            .values("enrolment_id")
            .annotate(at=Max("completed_at"))
        ):
            offer(row["enrolment_id"], row["at"])
        Attendance = attendance_model()
        if Attendance is not None:
            for row in (
                Attendance.objects.filter(enrolment_id__in=chunk, present=True)
                .values("enrolment_id")
                .annotate(at=Max("meeting__starts_at"))
            ):
                offer(row["enrolment_id"], row["at"])
        users = dict(Enrolment.objects.filter(pk__in=chunk).values_list("pk", "user_id"))
        by_user: dict[int, list[int]] = {}
        for enrolment_id, user_id in users.items():
            by_user.setdefault(user_id, []).append(enrolment_id)
        from peerpath.accounts.models import User

        for user_id, last_login in User.objects.filter(pk__in=by_user).values_list(
            "pk", "last_login"
        ):
            for enrolment_id in by_user[user_id]:
                offer(enrolment_id, last_login)
        try:
            from peerpath.xapi.models import Statement
        except ImportError:
            continue
        # The statements' partial index on (user, voided, stored) answers this on its own,
        # reading only these users' entries rather than every statement stored.
        for user_id, at in (
            Statement.objects.filter(user_id__in=by_user, voided=False)
            .values("user_id")
            .annotate(at=Max("stored"))
            .values_list("user_id", "at")
        ):
            for enrolment_id in by_user.get(user_id, []):
                offer(enrolment_id, at)
    return latest
