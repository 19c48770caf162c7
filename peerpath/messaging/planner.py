"""The periodic planner of time-triggered messages.

For each run under way it writes the outbox rows of the next days (`HORIZON`) for every timed
entry of the run's plan — run start, each module's start, N hours before each group meeting, N
days of inactivity, a survey left unanswered — and reconciles the rows still pending with the
data as it is now: a moved meeting's reminders are re-timed, a cancelled meeting's are
cancelled, a learner who left the group or the run gets nothing more, a learner active again
gets no nudge. Running it twice changes nothing: every row has a unique key.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from peerpath.messaging.models import OutboxMessage, Trigger
from peerpath.messaging.policy import Policy, run_plan
from peerpath.messaging.services import outbox_enqueue_many
from peerpath.messaging.wants import (
    HORIZON,
    PLANNERS,
    RunData,
    Want,
    _by_pk,
    _due_base,
    _meeting_audience,
    _meeting_due,
)
from peerpath.messaging.windows import window_next


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
