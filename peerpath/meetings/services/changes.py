"""Staff move one meeting or the rest of a series, or cancel one (or, for a group that no longer
meets, all those still to come); everyone affected is told once.

One change is one `MeetingChange` row and one outbox message per person affected (members who
have not withdrawn, and the visiting facilitators), written in the same transaction. The
message is rendered at delivery from current data, with the new times in the recipient's own
timezone and an iCalendar file (REQUEST for a move, CANCEL for a cancellation) attached.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import StudyGroup

from ..models import Meeting, MeetingChange


def meeting_move(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    rest_of_series: bool = False,
    made_by=None,
    now: dt.datetime | None = None,
) -> MeetingChange:
    """Move the meeting to `starts_at` (aware); with `rest_of_series`, every later scheduled
    meeting of the group that has not started moves by the same amount of time."""
    now = now or timezone.now()
    if starts_at.tzinfo is None:
        raise ApplicationError(_("Give the new time with its timezone."), field="starts_at")
    with transaction.atomic():
        StudyGroup.objects.select_for_update().filter(pk=meeting.group_id).first()
        meeting = Meeting.objects.select_related("group__run").get(pk=meeting.pk)
        _check_changeable(meeting, now)
        if starts_at <= now:
            raise ApplicationError(_("The new time must be in the future."), field="starts_at")
        shift = starts_at - meeting.starts_at
        if not shift:
            raise ApplicationError(_("That is the meeting's current time."), field="starts_at")
        moving = [meeting]
        if rest_of_series:
            moving += list(
                Meeting.objects.filter(
                    group_id=meeting.group_id,
                    week__gt=meeting.week,
                    status=Meeting.Status.SCHEDULED,
                    starts_at__gt=now,
                ).order_by("week")
            )
        moved_ids = {m.pk for m in moving}
        staying = Meeting.objects.filter(
            group_id=meeting.group_id, status=Meeting.Status.SCHEDULED
        ).exclude(pk__in=moved_ids)
        for item in moving:
            new_start, new_end = item.starts_at + shift, item.ends_at + shift
            clash = staying.filter(starts_at__lt=new_end, ends_at__gt=new_start).first()
            if clash is not None:
                raise ApplicationError(
                    _("Week %(week)s would overlap the group's meeting of week %(other)s.")
                    % {"week": item.week, "other": clash.week},
                    field="starts_at",
                )
        change = MeetingChange.objects.create(
            group_id=meeting.group_id,
            kind=MeetingChange.Kind.MOVED,
            meeting_ids=[m.pk for m in moving],
            previous_starts={str(m.pk): m.starts_at.astimezone(dt.UTC).isoformat() for m in moving},
            made_by=made_by,
        )
        Meeting.objects.filter(pk__in=moved_ids).update(
            starts_at=F("starts_at") + shift,
            ends_at=F("ends_at") + shift,
            time_fixed=True,
            sequence=F("sequence") + 1,
            updated_at=now,
        )
        _tell_everyone(change, kind="meeting_changed", meetings=moving)
    return change


def meeting_cancel(
    *, meeting: Meeting, made_by=None, now: dt.datetime | None = None
) -> MeetingChange:
    """Cancel one meeting; it keeps its UID and leader, and its SEQUENCE goes up."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update().select_related("group__run").get(pk=meeting.pk)
        )
        _check_changeable(meeting, now)
        return _cancel(meeting.group_id, [meeting], made_by=made_by, now=now)


def meetings_cancel_rest(
    *, group: StudyGroup, made_by=None, now: dt.datetime | None = None
) -> MeetingChange | None:
    """Cancel every meeting of the group still to come, as one change: each person affected is
    told once, with all the cancelled meetings in one message and one calendar file. Returns
    None when nothing was scheduled."""
    now = now or timezone.now()
    with transaction.atomic():
        StudyGroup.objects.select_for_update().filter(pk=group.pk).first()
        meetings = list(
            Meeting.objects.select_related("group__run")
            .filter(group=group, status=Meeting.Status.SCHEDULED, starts_at__gt=now)
            .order_by("starts_at")
        )
        if not meetings:
            return None
        return _cancel(group.pk, meetings, made_by=made_by, now=now)


def _cancel(group_id: int, meetings: list[Meeting], *, made_by, now) -> MeetingChange:
    """One change cancelling `meetings` (UIDs kept, SEQUENCE up), everyone told once; inside
    the caller's transaction."""
    change = MeetingChange.objects.create(
        group_id=group_id,
        kind=MeetingChange.Kind.CANCELLED,
        meeting_ids=[m.pk for m in meetings],
        previous_starts={str(m.pk): m.starts_at.astimezone(dt.UTC).isoformat() for m in meetings},
        made_by=made_by,
    )
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(
        status=Meeting.Status.CANCELLED, sequence=F("sequence") + 1, updated_at=now
    )
    _tell_everyone(change, kind="meeting_cancelled", meetings=meetings)
    return change


def _check_changeable(meeting: Meeting, now: dt.datetime) -> None:
    if not meeting.is_scheduled:
        raise ApplicationError(_("This meeting is already cancelled."), field="meeting")
    if meeting.starts_at <= now:
        raise ApplicationError(_("This meeting has already started."), field="meeting")


def _tell_everyone(change: MeetingChange, *, kind: str, meetings: list[Meeting]) -> None:
    from peerpath.accounts.models import User
    from peerpath.messaging.services import outbox_enqueue_many

    member_users = (
        Enrolment.objects.filter(membership__group_id=change.group_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("user_id")
    )
    facilitator_ids = {m.facilitator_id for m in meetings if m.facilitator_id}
    recipients = User.objects.filter(pk__in=member_users) | User.objects.filter(
        pk__in=facilitator_ids
    )
    run = meetings[0].group.run
    outbox_enqueue_many(
        [
            {
                "key": f"{kind}:{change.pk}:{user.pk}",
                "kind": kind,
                "recipient": user,
                "run": run,
                "context": {"change": change.pk},
            }
            for user in recipients.distinct().order_by("pk")
        ]
    )
