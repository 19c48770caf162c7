"""Quiet members who give up their seat when an active learner needs it (the weekly repair).

A released learner's membership ends with a reason staff can read (`SeatRelease`), and they get
one short message saying so and that they are welcome back. They are not placed in a group
while they stay quiet; once they are active again, the late-joiner placement offers them a
group at an hour they can make (`late.late_joiner_place` marks the release as returned).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, SeatRelease, StudyGroup


def release_reason(*, days: int, group_number: int | None) -> str:
    if group_number is None:
        return _(
            "Seat released after %(days)s days without activity; offered a group again when active."
        ) % {"days": days}
    return _(
        "Seat in group %(number)s released to an active learner after %(days)s days without "
        "activity; offered a group again when active."
    ) % {"days": days, "number": group_number}


def seats_release(*, proposal, run) -> list[SeatRelease]:
    """End the memberships of the proposal's released learners, record why, and queue one
    message to each (call inside the transaction that applies the repair)."""
    from peerpath.messaging.services import outbox_enqueue_many

    if not proposal.released:
        return []
    now = timezone.now()
    enrolments = Enrolment.objects.select_related("user").in_bulk(
        [r["enrolment"] for r in proposal.released]
    )
    groups = StudyGroup.objects.in_bulk([r["from_group"] for r in proposal.released])
    GroupMembership.objects.filter(enrolment_id__in=list(enrolments)).delete()
    releases = []
    for row in proposal.released:
        group = groups.get(row["from_group"])
        release, _created = SeatRelease.objects.update_or_create(
            enrolment=enrolments[row["enrolment"]],
            defaults={
                "group": group,
                "repair": proposal,
                "quiet_days": row["quiet_days"],
                "reason": release_reason(
                    days=row["quiet_days"], group_number=group.number if group else None
                ),
                "released_at": now,
                "returned_at": None,
            },
        )
        releases.append(release)
    outbox_enqueue_many(
        [
            {
                "key": f"group_seat_released:repair-{proposal.pk}:{r.enrolment_id}",
                "kind": "group_seat_released",
                "run": run,
                "recipient": r.enrolment.user,
                "context": {
                    "enrolment": r.enrolment_id,
                    "group": r.group_id,
                    "quiet_days": r.quiet_days,
                },
            }
            for r in releases
        ]
    )
    return releases
