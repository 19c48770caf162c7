"""What each timed trigger of a run's plan wants sent in the next days: one `Want` per
recipient and occurrence, with its unique key and due time, from the run's data as it is now
(`RunData`)."""

import datetime as dt
from dataclasses import dataclass, field

from peerpath.messaging.models import Audience, Trigger
from peerpath.messaging.policy import Policy
from peerpath.messaging.windows import at_local

HORIZON = dt.timedelta(days=8)
DEFAULT_HOUR = dt.time(8)


@dataclass
class Want:
    key: str
    kind: str
    recipient_id: int
    context: dict
    due_at: dt.datetime
    tz: str


@dataclass
class RunData:
    """What the planner reads about one run, loaded once per tick."""

    run: object
    now: dt.datetime
    enrolments: dict = field(default_factory=dict)  # id → (user_id, tz)
    group_of: dict = field(default_factory=dict)  # enrolment id → group id
    members: dict = field(default_factory=dict)  # group id → [enrolment ids]
    meetings: dict = field(default_factory=dict)  # id → Meeting
    roles: dict = field(default_factory=dict)  # role → [user ids]
    user_tz: dict = field(default_factory=dict)
    weeks: int = 0

    @classmethod
    def load(cls, run, now):
        from peerpath.accounts.models import RunRole, User
        from peerpath.enrollment.models import Enrolment
        from peerpath.grouping.models import GroupMembership
        from peerpath.meetings.models import Meeting

        data = cls(run=run, now=now, weeks=run.course.modules.count())
        data.enrolments = {
            pk: (user_id, tz)
            for pk, user_id, tz in Enrolment.objects.filter(
                run=run, status=Enrolment.Status.CONFIRMED
            ).values_list("pk", "user_id", "timezone")
        }
        for enrolment_id, group_id in GroupMembership.objects.filter(group__run=run).values_list(
            "enrolment_id", "group_id"
        ):
            if enrolment_id in data.enrolments:
                data.group_of[enrolment_id] = group_id
                data.members.setdefault(group_id, []).append(enrolment_id)
        data.meetings = {m.pk: m for m in Meeting.objects.filter(group__run=run)}
        for user_id, role in RunRole.objects.filter(run=run).values_list("user_id", "role"):
            data.roles.setdefault(role, []).append(user_id)
        staff_ids = {u for ids in data.roles.values() for u in ids}
        staff_ids |= {m.facilitator_id for m in data.meetings.values() if _facilitator(m)}
        data.user_tz = dict(User.objects.filter(pk__in=staff_ids).values_list("pk", "timezone"))
        return data

    def week_start(self, week: int) -> dt.date:
        return self.run.starts_on + dt.timedelta(days=7 * (week - 1))

    def run_end(self) -> dt.datetime:
        end_day = self.week_start(max(self.weeks, 1) + 1)
        return at_local(end_day, dt.time(0), self.run.timezone)


def _by_pk(queryset, ids, field: str) -> dict:
    """{pk: field} for many ids, a few thousand per query (SQLite limits parameters)."""
    from peerpath.messaging.services.outbox import values_in

    return dict(values_in(queryset, "id", ids, ("pk", field)))


def _facilitator(meeting):
    return getattr(meeting, "facilitator_id", None)


def _meeting_audience(data: RunData, policy: Policy, meeting) -> list[tuple[int, int | None]]:
    """(user id, enrolment id or None) of the people a meeting message goes to."""
    if policy.audience == Audience.LEARNERS:
        return [(data.enrolments[e][0], e) for e in data.members.get(meeting.group_id, [])]
    if policy.audience == Audience.LEADERS:
        if meeting.leader_id in data.enrolments:
            return [(data.enrolments[meeting.leader_id][0], meeting.leader_id)]
        return []
    if policy.audience == Audience.FACILITATORS:
        return [(_facilitator(meeting), None)] if _facilitator(meeting) else []
    role = {Audience.TUTORS: "tutor", Audience.STAFF: "instructor"}[policy.audience]
    return [(user_id, None) for user_id in data.roles.get(role, [])]


def _run_audience(data: RunData, policy: Policy, week: int | None = None):
    if policy.audience == Audience.LEARNERS:
        return [(user_id, e, tz) for e, (user_id, tz) in data.enrolments.items()]
    if policy.audience == Audience.LEADERS:
        leaders = {
            m.leader_id
            for m in data.meetings.values()
            if m.status == "scheduled" and (week is None or m.week == week)
        }
        return [
            (data.enrolments[e][0], e, data.enrolments[e][1])
            for e in leaders
            if e in data.enrolments
        ]
    role = {
        Audience.FACILITATORS: "facilitator",
        Audience.TUTORS: "tutor",
        Audience.STAFF: "instructor",
    }[policy.audience]
    return [(u, None, data.user_tz.get(u, "UTC")) for u in data.roles.get(role, [])]


def _due_base(day: dt.date, policy: Policy, tz: str) -> dt.datetime:
    return at_local(day, policy.window_start or DEFAULT_HOUR, tz)


def _wants_run_start(data: RunData, policy: Policy) -> list[Want]:
    if (
        data.now
        > at_local(data.run.starts_on, dt.time(23, 59), data.run.timezone) + dt.timedelta(days=1)
        or at_local(data.run.starts_on, dt.time(0), data.run.timezone) > data.now + HORIZON
    ):
        return []
    return [
        Want(
            f"{policy.kind}:{data.run.pk}:{e or 'u' + str(user_id)}",
            policy.kind,
            user_id,
            {"enrolment": e, "run": data.run.pk} if e else {"run": data.run.pk},
            _due_base(data.run.starts_on, policy, tz),
            tz,
        )
        for user_id, e, tz in _run_audience(data, policy)
    ]


def weekly_key(run_id: int, enrolment_id: int, week: int, kind: str = "weekly_module") -> str:
    if kind == "weekly_module":
        return f"weekly:{run_id}:{enrolment_id}:{week}"
    return f"{kind}:{run_id}:{enrolment_id}:w{week}"


def _wants_module_start(data: RunData, policy: Policy, weeks=None) -> list[Want]:
    wants = []
    for week in weeks or range(1, data.weeks + 1):
        day = data.week_start(week)
        first = at_local(day, dt.time(0), data.run.timezone)
        if weeks is None and (
            first > data.now + HORIZON or first + dt.timedelta(days=7) <= data.now
        ):
            continue
        for user_id, e, tz in _run_audience(data, policy, week):
            key = (
                weekly_key(data.run.pk, e, week, policy.kind)
                if e
                else f"{policy.kind}:{data.run.pk}:u{user_id}:w{week}"
            )
            context = {"enrolment": e, "week": week} if e else {"week": week}
            wants.append(Want(key, policy.kind, user_id, context, _due_base(day, policy, tz), tz))
    return wants


def _meeting_due(meeting, policy: Policy) -> dt.datetime:
    return meeting.starts_at - dt.timedelta(hours=policy.offset_hours)


def _wants_before_meeting(data: RunData, policy: Policy) -> list[Want]:
    wants = []
    for meeting in data.meetings.values():
        if meeting.status != "scheduled" or meeting.starts_at <= data.now:
            continue
        due = _meeting_due(meeting, policy)
        if due > data.now + HORIZON:
            continue
        for user_id, e in _meeting_audience(data, policy, meeting):
            tz = data.enrolments[e][1] if e else data.user_tz.get(user_id, "UTC")
            context = {"meeting": meeting.pk, "week": meeting.week, "group": meeting.group_id}
            if e:
                context["enrolment"] = e
            wants.append(
                Want(
                    f"{policy.kind}:m{meeting.pk}:u{user_id}",
                    policy.kind,
                    user_id,
                    context,
                    max(due, data.now),
                    tz,
                )
            )
    return wants


def _last_active(data: RunData) -> dict[int, dt.datetime | None]:
    try:
        from peerpath.progress.selectors import last_activity_at
    except ImportError:
        return {}
    try:
        return last_activity_at(list(data.enrolments))
    except Exception:  # progress data not ready: the confirmation time counts
        return {}


def _inactivity_base(data: RunData, enrolment_id: int, last: dict, confirmed: dict):
    start = at_local(data.run.starts_on, dt.time(0), data.run.timezone)
    moments = [start, last.get(enrolment_id), confirmed.get(enrolment_id)]
    return max(m for m in moments if m is not None)


def _wants_inactivity(data: RunData, policy: Policy) -> list[Want]:
    from peerpath.enrollment.models import Enrolment

    start = at_local(data.run.starts_on, dt.time(0), data.run.timezone)
    if data.now < start or data.now >= data.run_end() or policy.after_days < 1:
        return []
    last = _last_active(data)
    confirmed = _by_pk(Enrolment.objects.all(), data.enrolments, "confirmed_at")
    quiet = dt.timedelta(days=policy.after_days)
    wants = []
    for e, (user_id, tz) in data.enrolments.items():
        base = _inactivity_base(data, e, last, confirmed)
        if base + quiet > data.now:
            continue
        wants.append(
            Want(
                f"{policy.kind}:{data.run.pk}:{e}:{base.date().isoformat()}",
                policy.kind,
                user_id,
                {"enrolment": e, "days": (data.now - base).days, "since": base.isoformat()},
                data.now,
                tz,
            )
        )
    return wants


def _wants_survey_unanswered(data: RunData, policy: Policy) -> list[Want]:
    try:
        from peerpath.surveys.models import Survey
        from peerpath.surveys.selectors import unanswered
    except ImportError:
        return []
    wants = []
    for survey in Survey.objects.filter(
        run=data.run, opens_at__lte=data.now, closes_at__gt=data.now
    ):
        due = survey.opens_at + dt.timedelta(days=policy.after_days)
        if due > data.now + HORIZON or due >= survey.closes_at:
            continue
        for enrolment in unanswered(survey):
            wants.append(
                Want(
                    f"{policy.kind}:s{survey.pk}:{enrolment.pk}",
                    policy.kind,
                    enrolment.user_id,
                    {"survey": survey.pk, "enrolment": enrolment.pk, "reminder": True},
                    max(due, data.now),
                    enrolment.timezone,
                )
            )
    return wants


PLANNERS = {
    Trigger.RUN_START: _wants_run_start,
    Trigger.MODULE_START: _wants_module_start,
    Trigger.BEFORE_MEETING: _wants_before_meeting,
    Trigger.INACTIVITY: _wants_inactivity,
    Trigger.SURVEY_UNANSWERED: _wants_survey_unanswered,
}
