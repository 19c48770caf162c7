"""Each run's message plan as it applies to one message: is the kind switched on, in which
local window may it go out, to whom, and when.

Staff edit `PlanEntry` rows; a kind without a row follows `DEFAULT_PLAN`, so a new run starts
from a sensible plan without any rows written, and kinds registered later get a default too.
"""

import datetime as dt
from dataclasses import dataclass

from peerpath.messaging.models import Audience, PlanEntry, Trigger


@dataclass(frozen=True)
class Policy:
    kind: str
    trigger: str
    audience: str = Audience.LEARNERS
    offset_hours: int = 0
    after_days: int = 0
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    enabled: bool = True
    edited: bool = False  # a PlanEntry row exists

    @property
    def timed(self) -> bool:
        from peerpath.messaging.models import TIME_TRIGGERS

        return self.trigger in TIME_TRIGGERS


T = dt.time
DEFAULT_PLAN: dict[str, Policy] = {
    p.kind: p
    for p in [
        Policy("welcome", Trigger.ENROLMENT_CONFIRMED),
        Policy("waitlisted", Trigger.ENROLMENT_CONFIRMED),
        Policy("group_intro", Trigger.GROUP_PUBLISHED),
        Policy("run_start", Trigger.RUN_START, window_start=T(8), window_end=T(9), enabled=False),
        Policy("weekly_module", Trigger.MODULE_START, window_start=T(8), window_end=T(9)),
        Policy("meeting_reminder", Trigger.BEFORE_MEETING, offset_hours=24),
        Policy(
            "leader_briefing", Trigger.BEFORE_MEETING, audience=Audience.LEADERS, offset_hours=48
        ),
        Policy(
            "facilitator_briefing",
            Trigger.BEFORE_MEETING,
            audience=Audience.FACILITATORS,
            offset_hours=48,
        ),
        Policy(
            "inactivity_nudge",
            Trigger.INACTIVITY,
            after_days=10,
            window_start=T(9),
            window_end=T(17),
        ),
        Policy("survey_invitation", Trigger.SURVEY_OPENED),
        Policy(
            "survey_reminder",
            Trigger.SURVEY_UNANSWERED,
            after_days=4,
            window_start=T(9),
            window_end=T(17),
        ),
        Policy("completion", Trigger.COMPLETION),
        Policy("badge_issued", Trigger.BADGE_ISSUED),
        Policy("group_changed", Trigger.GROUP_CHANGED),
        Policy("group_seat_released", Trigger.GROUP_CHANGED),
        Policy("meeting_changed", Trigger.MEETING_CHANGED),
        Policy("meeting_cancelled", Trigger.MEETING_CHANGED),
        Policy("meeting_leader_handover", Trigger.MEETING_CHANGED, audience=Audience.LEADERS),
        Policy("meeting_attendance_request", Trigger.EVENT, audience=Audience.LEADERS),
        Policy("facilitator_visits", Trigger.EVENT, audience=Audience.FACILITATORS),
    ]
}


def default_policy(kind: str) -> Policy:
    return DEFAULT_PLAN.get(kind) or Policy(kind, Trigger.EVENT)


def policy_from_entry(entry: PlanEntry) -> Policy:
    return Policy(
        kind=entry.kind,
        trigger=entry.trigger,
        audience=entry.audience,
        offset_hours=entry.offset_hours,
        after_days=entry.after_days,
        window_start=entry.window_start,
        window_end=entry.window_end,
        enabled=entry.enabled,
        edited=True,
    )


def policies_for_runs(run_ids) -> dict[tuple[int, str], Policy]:
    """The edited plan entries of these runs, by (run id, kind)."""
    ids = {rid for rid in run_ids if rid is not None}
    if not ids:
        return {}
    return {
        (entry.run_id, entry.kind): policy_from_entry(entry)
        for entry in PlanEntry.objects.filter(run_id__in=ids)
    }


def policy_for(run_id: int | None, kind: str, edited: dict | None = None) -> Policy:
    """The policy of `kind` in the run; messages without a run follow the default."""
    if run_id is None:
        return default_policy(kind)
    if edited is None:
        edited = policies_for_runs([run_id])
    return edited.get((run_id, kind)) or default_policy(kind)


def run_plan(*, run) -> list[Policy]:
    """The whole plan of a run as staff see it: every registered kind that can concern a run's
    people, edited entries first-class, defaults for the rest."""
    from peerpath.messaging import registry

    edited = policies_for_runs([run.pk])
    names = sorted(
        name
        for name in registry.kinds()
        if not registry.is_transactional(name) and not name.startswith("production_")
    )
    return [edited.get((run.pk, name)) or default_policy(name) for name in names]
