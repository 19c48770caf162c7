"""Run completion: the adapter around the pure rules (`peerpath.progress.rules`).

selector → RulePolicy + LearnerFacts → rule_evaluate → RunCompletion, in the caller's
transaction, with the completion mail and the badge (outbox rows) written beside it.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerpath.courses.models import Activity
from peerpath.enrollment.models import Enrolment
from peerpath.progress.models import Completion, CompletionRule, RunCompletion
from peerpath.progress.rules import LearnerFacts, RuleOutcome, RulePolicy, rule_evaluate


def attendance_model():
    """`meetings.Attendance` (meeting, enrolment, present) when that model exists, else None."""
    try:
        return apps.get_model("meetings", "Attendance")
    except LookupError:
        return None


def run_completion_policy(*, run) -> RulePolicy:
    rule = CompletionRule.objects.filter(run=run).first()
    required: set[int] = set()
    assessments: set[int] = set()
    share = 0.0
    if rule is not None:
        required = set(rule.required_activities.values_list("pk", flat=True))
        assessments = set(rule.assessments.values_list("pk", flat=True))
        share = min(rule.min_meeting_percent, 100) / 100
    if not required:
        required = set(
            Activity.objects.filter(module__course_id=run.course_id, required=True).values_list(
                "pk", flat=True
            )
        )
    return RulePolicy(
        required=frozenset(required),
        min_meeting_share=share,
        assessments=frozenset(assessments),
    )


def learner_meeting_facts(*, enrolment, now: dt.datetime) -> tuple[int, tuple[dt.datetime, ...]]:
    """(meetings of the learner's group held by `now`, starts of those they attended)."""
    from peerpath.meetings.models import Meeting

    held = Meeting.objects.filter(
        group__memberships__enrolment=enrolment, status="scheduled", starts_at__lte=now
    )
    Attendance = attendance_model()
    attended: tuple[dt.datetime, ...] = ()
    if Attendance is not None:
        attended = tuple(
            Attendance.objects.filter(
                enrolment=enrolment, present=True, meeting__starts_at__lte=now
            ).values_list("meeting__starts_at", flat=True)
        )
    return held.count(), attended


def learner_facts(*, enrolment, policy: RulePolicy, now: dt.datetime) -> LearnerFacts:
    done = dict(
        Completion.objects.filter(enrolment=enrolment).values_list("activity_id", "completed_at")
    )
    held, attended = (0, ())
    if policy.min_meeting_share > 0:
        held, attended = learner_meeting_facts(enrolment=enrolment, now=now)
    return LearnerFacts(done=done, meetings_held=held, attended=attended)


def run_completion_outcome(*, enrolment, now: dt.datetime | None = None) -> RuleOutcome:
    now = now or timezone.now()
    policy = run_completion_policy(run=enrolment.run)
    return rule_evaluate(policy, learner_facts(enrolment=enrolment, policy=policy, now=now))


def run_completion_evaluate_enrolment(
    *, enrolment_id: int, now: dt.datetime | None = None
) -> RunCompletion | None:
    """Record the run completion when the rules are met; returns it (new or earlier) or None."""
    now = now or timezone.now()
    enrolment = Enrolment.objects.select_related("run__course", "user").get(pk=enrolment_id)
    existing = RunCompletion.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    if enrolment.status != Enrolment.Status.CONFIRMED:
        return None
    outcome = run_completion_outcome(enrolment=enrolment, now=now)
    if not outcome.met:
        return None
    completed_at = min(outcome.completed_at or now, now)
    try:
        with transaction.atomic():
            completion = RunCompletion.objects.create(
                enrolment=enrolment, completed_at=completed_at
            )
            _on_run_completed(completion)
    except IntegrityError:  # evaluated twice at once: the other one recorded it
        return RunCompletion.objects.get(enrolment=enrolment)
    return completion


def _on_run_completed(completion: RunCompletion) -> None:
    """The completion mail, and the badge when the badges app offers one (same transaction)."""
    from peerpath.messaging.services import outbox_enqueue

    enrolment = completion.enrolment
    outbox_enqueue(
        key=f"completion:{enrolment.pk}",
        kind="completion",
        run=enrolment.run,
        recipient=enrolment.user,
        context={"enrolment": enrolment.pk},
    )
    try:
        from peerpath.badges.services import credential_issue_for_completion
    except ImportError:
        return
    credential_issue_for_completion(completion=completion)


def run_completion_evaluate_run(*, run, now: dt.datetime | None = None) -> int:
    """Evaluate every confirmed learner of the run not yet complete; returns how many completed."""
    now = now or timezone.now()
    progress_sync_attendance(run=run)
    pending = (
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED)
        .exclude(run_completion__isnull=False)
        .values_list("pk", flat=True)
    )
    completed = 0
    for enrolment_id in list(pending):
        with transaction.atomic():
            before = RunCompletion.objects.filter(enrolment_id=enrolment_id).exists()
            result = run_completion_evaluate_enrolment(enrolment_id=enrolment_id, now=now)
            completed += int(result is not None and not before)
    return completed


def progress_sync_attendance(*, run) -> int:
    """Mark the group-meeting activity of each module done for learners present at that
    module's meeting (source "meeting"). Idempotent; returns how many completions were new."""
    from peerpath.progress.services import completion_mark_created

    Attendance = attendance_model()
    if Attendance is None:
        return 0
    meeting_activities: dict[int, list[Activity]] = {}
    for activity in Activity.objects.filter(
        module__course_id=run.course_id, kind=Activity.Kind.GROUP_MEETING
    ).select_related("module"):
        meeting_activities.setdefault(activity.module_id, []).append(activity)
    if not meeting_activities:
        return 0
    done = set(
        Completion.objects.filter(enrolment__run=run).values_list("enrolment_id", "activity_id")
    )
    created = 0
    rows = Attendance.objects.filter(
        meeting__group__run=run, present=True, meeting__module_id__in=meeting_activities
    ).select_related("enrolment__run", "meeting")
    for row in rows:
        for activity in meeting_activities.get(row.meeting.module_id, []):
            if (row.enrolment_id, activity.pk) in done:
                continue
            _completion, new = completion_mark_created(
                enrolment=row.enrolment,
                activity=activity,
                source=Completion.Source.MEETING,
                now=row.meeting.starts_at,
            )
            created += int(new)
    return created
