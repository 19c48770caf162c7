"""Completion rules of a run, evaluated on plain data (pure: no Django).

A learner completes a run when they have done every required activity, attended at least the
required share of their group's meetings held so far, and passed every listed assessment. The
completion date is the moment the last condition became true: the latest of the completions
that count and, when meetings count, the last meeting attended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RulePolicy:
    required: frozenset[int]
    min_meeting_share: float = 0.0  # 0..1
    assessments: frozenset[int] = frozenset()

    def __post_init__(self):
        if not 0.0 <= self.min_meeting_share <= 1.0:
            raise ValueError("min_meeting_share must lie between 0 and 1")


@dataclass(frozen=True)
class LearnerFacts:
    done: dict[int, dt.datetime]  # activity id -> when it was completed
    meetings_held: int = 0
    attended: tuple[dt.datetime, ...] = ()  # start of each meeting attended


@dataclass(frozen=True)
class RuleOutcome:
    met: bool
    completed_at: dt.datetime | None
    missing_activities: frozenset[int] = frozenset()
    missing_assessments: frozenset[int] = frozenset()
    meeting_share: float | None = None
    reasons: list[str] = field(default_factory=list)


def rule_evaluate(policy: RulePolicy, facts: LearnerFacts) -> RuleOutcome:
    missing = frozenset(policy.required - facts.done.keys())
    missing_assessments = frozenset(policy.assessments - facts.done.keys())
    reasons = []
    if missing:
        reasons.append(f"{len(missing)} required activities not done")
    if missing_assessments:
        reasons.append(f"{len(missing_assessments)} assessments not passed")
    share = None
    meetings_ok = True
    if policy.min_meeting_share > 0:
        attended = len(facts.attended)
        share = attended / facts.meetings_held if facts.meetings_held else 0.0
        # Float-safe comparison: 2 of 3 meetings meets a 66 % rule.
        meetings_ok = facts.meetings_held > 0 and share + 1e-9 >= policy.min_meeting_share
        if not meetings_ok:
            reasons.append(
                f"attended {attended} of {facts.meetings_held} meetings, "
                f"{policy.min_meeting_share:.0%} needed"
            )
    met = not missing and not missing_assessments and meetings_ok
    completed_at = None
    if met:
        moments = [facts.done[a] for a in policy.required | policy.assessments]
        if policy.min_meeting_share > 0:
            moments.extend(facts.attended)
        completed_at = max(moments) if moments else None
    return RuleOutcome(
        met=met,
        completed_at=completed_at,
        missing_activities=missing,
        missing_assessments=missing_assessments,
        meeting_share=share,
        reasons=reasons,
    )
