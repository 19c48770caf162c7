"""Reads of the follow-up queue: who to contact first, and whether contact helped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from peerpath.enrollment.models import Enrolment
from peerpath.followup.models import Contact, FollowUpCase

DEFAULT_MIN_SCORE = 0.3
CLOSED_QUIET_DAYS = 14


@dataclass
class Effect:
    contacted_at: dt.datetime
    came_back_at: dt.datetime | None

    @property
    def came_back(self) -> bool:
        return self.came_back_at is not None


@dataclass
class QueueRow:
    enrolment: Enrolment
    score: float | None
    reasons: list
    day: dt.date | None
    case: FollowUpCase | None
    last_contact: Contact | None
    last_activity: dt.datetime | None
    effect: Effect | None


def _effect(first_contact: dt.datetime | None, last_activity: dt.datetime | None):
    if first_contact is None:
        return None
    came_back = last_activity if last_activity and last_activity > first_contact else None
    return Effect(contacted_at=first_contact, came_back_at=came_back)


def followup_queue(
    *, run, today: dt.date, min_score: float = DEFAULT_MIN_SCORE, show: str = "queue"
) -> list[QueueRow]:
    """Learners to follow up, highest risk first.

    "queue": confirmed learners whose latest score is at least `min_score`, or who have an
    open case; snoozed cases stay out until their day, closed ones for two weeks.
    "snoozed" / "closed": those cases only."""
    from peerpath.progress.models import RiskScore
    from peerpath.progress.selectors import last_activity_at

    latest_day = RiskScore.objects.filter(enrolment__run=run).aggregate(d=Max("day"))["d"]
    scores = {}
    if latest_day is not None:
        scores = {
            s.enrolment_id: s
            for s in RiskScore.objects.filter(enrolment__run=run, day=latest_day)
        }
    cases: dict[int, FollowUpCase] = {}
    for case in FollowUpCase.objects.filter(enrolment__run=run).order_by("created_at"):
        cases[case.enrolment_id] = case  # the newest case of each learner
    chosen = []
    for enrolment_id in set(scores) | set(cases):
        case = cases.get(enrolment_id)
        score = scores.get(enrolment_id)
        if show == "snoozed":
            keep = case is not None and case.status == FollowUpCase.Status.SNOOZED
        elif show == "closed":
            keep = case is not None and case.status == FollowUpCase.Status.CLOSED
        else:
            keep = (score is not None and score.score >= min_score) or (
                case is not None and case.status == FollowUpCase.Status.OPEN
            )
            if case is not None and case.status == FollowUpCase.Status.SNOOZED:
                keep = keep and case.snoozed_until is not None and case.snoozed_until <= today
            if case is not None and case.status == FollowUpCase.Status.CLOSED:
                quiet_until = case.closed_at.date() + dt.timedelta(days=CLOSED_QUIET_DAYS)
                keep = keep and today >= quiet_until
        if keep:
            chosen.append(enrolment_id)
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=chosen, status=Enrolment.Status.CONFIRMED)
        .select_related("user")
    }
    if show != "queue":  # a withdrawn learner's closed case still shows under "closed"
        enrolments.update(
            {e.pk: e for e in Enrolment.objects.filter(pk__in=chosen).select_related("user")}
        )
    last_contacts: dict[int, Contact] = {}
    first_contacts: dict[int, dt.datetime] = {}
    for contact in Contact.objects.filter(case__enrolment_id__in=enrolments).order_by("at"):
        first_contacts.setdefault(contact.case.enrolment_id, contact.at)
        last_contacts[contact.case.enrolment_id] = contact
    activity = last_activity_at(list(enrolments))
    rows = []
    for enrolment_id, enrolment in enrolments.items():
        score = scores.get(enrolment_id)
        rows.append(
            QueueRow(
                enrolment=enrolment,
                score=score.score if score else None,
                reasons=score.reasons if score else [],
                day=score.day if score else None,
                case=cases.get(enrolment_id),
                last_contact=last_contacts.get(enrolment_id),
                last_activity=activity.get(enrolment_id),
                effect=_effect(first_contacts.get(enrolment_id), activity.get(enrolment_id)),
            )
        )
    rows.sort(key=lambda r: (-(r.score if r.score is not None else -1), r.enrolment.pk))
    return rows


@dataclass(frozen=True)
class FollowupSummary:
    contacted: int
    came_back: int

    @property
    def share(self) -> float | None:
        return self.came_back / self.contacted if self.contacted else None


def followup_summary(*, run) -> FollowupSummary:
    """Of the learners contacted in this run, how many showed any activity (a completion,
    a meeting attended, an xAPI statement, a sign-in) after the first contact."""
    from peerpath.progress.selectors import last_activity_at

    first: dict[int, dt.datetime] = {}
    for enrolment_id, at in (
        Contact.objects.filter(case__enrolment__run=run)
        .order_by("at")
        .values_list("case__enrolment_id", "at")
    ):
        first.setdefault(enrolment_id, at)
    activity = last_activity_at(list(first))
    came_back = sum(
        1 for enrolment_id, at in first.items() if (activity[enrolment_id] or at) > at
    )
    return FollowupSummary(contacted=len(first), came_back=came_back)


def case_for_enrolment(*, enrolment) -> FollowUpCase | None:
    return FollowUpCase.objects.filter(enrolment=enrolment).order_by("-created_at").first()


def contact_list(*, enrolment):
    return Contact.objects.filter(case__enrolment=enrolment).select_related("by", "case")
