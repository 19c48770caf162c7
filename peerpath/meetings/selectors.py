"""Reads for meetings: a group's series, a learner's next meeting, and who may see what."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from .models import Meeting

_MEETING_RELATED = ("group__run__course", "module", "leader__user")


def meeting_list_for_group(*, group: StudyGroup) -> QuerySet[Meeting]:
    """Every meeting of the group, cancelled ones included, in week order."""
    return Meeting.objects.filter(group=group).select_related(*_MEETING_RELATED).order_by("week")


def meeting_next_for_enrolment(*, enrolment: Enrolment, now: dt.datetime) -> Meeting | None:
    """The learner's group's next scheduled meeting that has not ended yet (one in progress
    counts as next), or None when the learner has no group or no meeting is left."""
    return (
        Meeting.objects.filter(
            group__memberships__enrolment=enrolment,
            status=Meeting.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related(*_MEETING_RELATED)
        .order_by("starts_at")
        .first()
    )


def meeting_group_get_for_user(*, group_id: int, user) -> StudyGroup | None:
    """The group if `user` is a member of it or staff; None otherwise, whether or not the
    group exists, so that callers cannot reveal which groups exist."""
    if not user.is_authenticated:
        return None
    groups = StudyGroup.objects.select_related("run__course")
    if not user.is_staff:
        groups = groups.filter(
            pk__in=GroupMembership.objects.filter(enrolment__user=user).values("group_id")
        )
    return groups.filter(pk=group_id).first()


def meeting_get_for_user(*, meeting_id: int, user) -> Meeting | None:
    """The meeting if `user` is a member of its group or staff; None otherwise."""
    if not user.is_authenticated:
        return None
    meetings = Meeting.objects.select_related(*_MEETING_RELATED)
    if not user.is_staff:
        meetings = meetings.filter(
            group_id__in=GroupMembership.objects.filter(enrolment__user=user).values("group_id")
        )
    return meetings.filter(pk=meeting_id).first()


def meeting_member_timezone(*, group: StudyGroup, user) -> str | None:
    """The timezone the user gave when enrolling in the group's run, if they are a member."""
    return (
        GroupMembership.objects.filter(group=group, enrolment__user=user)
        .values_list("enrolment__timezone", flat=True)
        .first()
    )
