"""The periodic planner of time-triggered messages.

For each run under way it writes the outbox rows of the next days (`HORIZON`) for every timed
entry of the run's plan — run start, each module's start, N hours before each group meeting, N
days of inactivity, a survey left unanswered — and reconciles the rows still pending with the
data as it is now: a moved meeting's reminders are re-timed, a cancelled meeting's are
cancelled, a learner who left the group or the run gets nothing more, a learner active again
gets no nudge. Running it twice changes nothing: every row has a unique key.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from peerpath.messaging.models import Audience, OutboxMessage, Trigger
from peerpath.messaging.policy import Policy, run_plan
from peerpath.messaging.services import outbox_enqueue_many
from peerpath.messaging.windows import at_local, window_next

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


def _desired_for_pending(data: RunData, policy: Policy, row) -> dt.datetime | None | str:
    """For a pending row outside this tick's wants: its due time if its cause still holds,
    or a reason to cancel it."""
    context = row.context or {}
    enrolment = context.get("enrolment")
    if enrolment and enrolment not in data.enrolments:
        return "the learner is no longer in the run"
    if policy.trigger == Trigger.BEFORE_MEETING:
        meeting = data.meetings.get(context.get("meeting"))
        if meeting is None or meeting.status != "scheduled":
            return "the meeting was cancelled"
        if meeting.starts_at <= data.now:
            return "the meeting has begun"
        if row.recipient_id not in {u for u, _ in _meeting_audience(data, policy, meeting)}:
            return "the recipient no longer belongs to the meeting"
        return max(_meeting_due(meeting, policy), data.now)
    if policy.trigger == Trigger.MODULE_START and context.get("week") and enrolment:
        day = data.week_start(int(context["week"]))
        return _due_base(day, policy, data.enrolments[enrolment][1])
    if policy.trigger == Trigger.INACTIVITY:
        return "the learner was active again"
    if policy.trigger == Trigger.SURVEY_UNANSWERED:
        # still unanswered in an open survey, it would be among this tick's wants
        return "the survey was answered or has closed"
    return row.due_at


def messages_plan_run(*, run, now: dt.datetime | None = None) -> dict:
    """Plan and reconcile one run's timed messages; returns counts of what changed."""
    from peerpath.accounts.models import User

    now = now or timezone.now()
    policies = {p.kind: p for p in run_plan(run=run) if p.timed}
    result = {"new": 0, "retimed": 0, "cancelled": 0}
    if not policies:
        return result
    data = RunData.load(run, now)
    wants: dict[str, Want] = {}
    for policy in policies.values():
        if not policy.enabled:
            continue
        for want in PLANNERS[policy.trigger](data, policy):
            wants[want.key] = want
    existing = _reconcile(data, policies, wants, result)
    fresh = [w for w in wants.values() if w.key not in existing]
    if fresh:
        users = _by_pk(User.objects.all(), {w.recipient_id for w in fresh}, "email")
        rows = [
            {
                "key": w.key,
                "kind": w.kind,
                "run": run,
                "recipient_id": w.recipient_id,
                "to_email": users[w.recipient_id],
                "context": w.context,
                "due_at": w.due_at,
                "tz": w.tz,
            }
            for w in fresh
            if w.recipient_id in users
        ]
        with transaction.atomic():
            result["new"] = outbox_enqueue_many(rows)
    return result


def _reconcile(data: RunData, policies: dict, wants: dict, result: dict) -> set[str]:
    """Re-time or cancel pending rows; returns the keys of wants that already have a row."""
    from peerpath.messaging.services.outbox import values_in

    existing = {k for (k,) in values_in(OutboxMessage.objects.all(), "key", wants, ("key",))}
    pending = OutboxMessage.objects.filter(
        run=data.run,
        kind__in=list(policies),
        status=OutboxMessage.Status.PENDING,
        attempts=0,
    ).only(
        "pk",
        "key",
        "kind",
        "context",
        "due_at",
        "recipient_id",
        "send_tz",
        "window_start",
        "window_end",
    )
    retime, cancel = [], {}
    for row in pending.iterator(chunk_size=5000):
        policy = policies[row.kind]
        want = wants.get(row.key)
        desired = want.due_at if want else _desired_for_pending(data, policy, row)
        if isinstance(desired, str):
            cancel.setdefault(desired, []).append(row.pk)
            continue
        if desired is None:
            continue
        tz = want.tz if want else row.send_tz
        if policy.window_start is not None and policy.window_end is not None:
            desired = window_next(desired, tz, policy.window_start, policy.window_end)
        if desired != row.due_at and (desired > data.now or row.due_at > data.now):
            row.due_at = desired
            row.send_tz = tz
            row.window_start, row.window_end = policy.window_start, policy.window_end
            retime.append(row)
    with transaction.atomic():
        if retime:
            OutboxMessage.objects.bulk_update(
                retime, ["due_at", "send_tz", "window_start", "window_end"], batch_size=1000
            )
        for reason, ids in cancel.items():
            for start in range(0, len(ids), 5000):
                OutboxMessage.objects.filter(
                    pk__in=ids[start : start + 5000], status=OutboxMessage.Status.PENDING
                ).update(
                    status=OutboxMessage.Status.CANCELLED,
                    last_error=f"planner: {reason}",
                    updated_at=data.now,
                )
    result["retimed"] = len(retime)
    result["cancelled"] = sum(len(ids) for ids in cancel.values())
    return existing


def messages_plan_all(*, now: dt.datetime | None = None) -> dict:
    """The periodic tick: every run open or running whose weeks are not over."""
    from peerpath.courses.models import Run

    now = now or timezone.now()
    totals = {"runs": 0, "new": 0, "retimed": 0, "cancelled": 0}
    horizon_day = (now + HORIZON).date()
    for run in Run.objects.filter(
        status__in=[Run.Status.OPEN, Run.Status.RUNNING], starts_on__lte=horizon_day
    ).select_related("course"):
        result = messages_plan_run(run=run, now=now)
        totals["runs"] += 1
        for name in ("new", "retimed", "cancelled"):
            totals[name] += result[name]
    return totals
