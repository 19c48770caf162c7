"""Telling learners that their study group changed, and keeping the meetings in step."""

from __future__ import annotations

from collections.abc import Iterable

from peerpath.grouping.models import StudyGroup


def group_changed_notify(*, moves: Iterable[tuple], run, operation: str) -> int:
    """Queue a `group_changed` message for each (enrolment, new group, previous group id)
    whose new group is published; `operation` makes the outbox keys unique per change."""
    from peerpath.messaging.services import outbox_enqueue_many

    rows = [
        {
            "key": f"group_changed:{operation}:{enrolment.pk}:{group.pk}",
            "kind": "group_changed",
            "run": run,
            "recipient": enrolment.user,
            "context": {
                "group": group.pk,
                "enrolment": enrolment.pk,
                "previous_group": previous,
            },
        }
        for enrolment, group, previous in moves
        if group is not None and group.status == StudyGroup.Status.PUBLISHED
    ]
    return outbox_enqueue_many(rows) if rows else 0


def group_intro_notify(*, run, memberships: Iterable) -> int:
    """Queue a `group_intro` message for each new membership (a learner given a group they
    did not have: a late joiner, a learner who waited); one per learner and group."""
    from peerpath.messaging.services import outbox_enqueue_many

    rows = [
        {
            "key": f"group_intro:{m.group_id}:{m.enrolment_id}",
            "kind": "group_intro",
            "run": run,
            "recipient": m.enrolment.user,
            "context": {"group": m.group_id, "enrolment": m.enrolment_id},
        }
        for m in memberships
    ]
    return outbox_enqueue_many(rows) if rows else 0


def meetings_follow(*, groups: Iterable[StudyGroup]) -> None:
    """Bring the meeting series of published groups up to date (new groups get their series,
    changed ones their leader rotation and attendees)."""
    from peerpath.meetings.services import meeting_series_create

    for group in groups:
        if group.status == StudyGroup.Status.PUBLISHED:
            meeting_series_create(group=group)
