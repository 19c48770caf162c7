"""What members and leaders record about meetings: RSVP, attendance with a note, feedback,
leader hand-over, and the group's own notes and profiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import link_token_consume
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from .. import links, rotation
from ..models import (
    Attendance,
    GroupNote,
    Meeting,
    MeetingFeedback,
    MemberProfile,
    Rsvp,
)

NOTE_MAX = 200


def _member_of(meeting: Meeting, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id, membership__group_id=meeting.group_id)
        .select_related("user")
        .first()
    )
    if enrolment is None:
        raise ApplicationError(_("You are not a member of this group."), field="enrolment")
    return enrolment


def meeting_rsvp_record(
    *, meeting: Meeting, enrolment_id: int, answer: str, now: dt.datetime | None = None
) -> Rsvp:
    """Record (or change) a member's answer: coming or not."""
    now = now or timezone.now()
    if answer not in Rsvp.Answer.values:
        raise ApplicationError(_("Answer yes or no."), field="answer")
    if not meeting.is_scheduled:
        raise ApplicationError(_("This meeting was cancelled."), field="meeting")
    if meeting.ends_at <= now:
        raise ApplicationError(_("This meeting is over."), field="meeting")
    enrolment = _member_of(meeting, enrolment_id)
    rsvp, _created = Rsvp.objects.update_or_create(
        meeting=meeting, enrolment=enrolment, defaults={"answer": answer}
    )
    return rsvp


def meeting_attendance_members(*, meeting: Meeting) -> list[Enrolment]:
    """Whose attendance the recorder is asked about: the group's members who have not
    withdrawn, and anyone already recorded."""
    from django.db.models import Q

    recorded = Attendance.objects.filter(meeting=meeting).values("enrolment_id")
    current = Q(membership__group_id=meeting.group_id) & ~Q(status=Enrolment.Status.WITHDRAWN)
    return list(
        Enrolment.objects.filter(current | Q(pk__in=recorded))
        .select_related("user")
        .order_by("pk")
        .distinct()
    )


def meeting_attendance_record(
    *,
    meeting: Meeting,
    recorder,
    present_ids: Collection[int],
    note: str = "",
    token: str | None = None,
    now: dt.datetime | None = None,
) -> list[Attendance]:
    """Record who came (everyone asked about gets a row, present or not) and a one-line note.

    With `token`, the once-only link is used up in the same transaction, so a refused reuse
    changes nothing. Present members get the week's group-meeting activities marked done.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    if "\n" in note or "\r" in note:
        raise ApplicationError(_("Keep the note to one line."), field="note")
    if len(note) > NOTE_MAX:
        raise ApplicationError(
            _("Keep the note under %(count)s characters.") % {"count": NOTE_MAX}, field="note"
        )
    if not meeting.is_scheduled:
        raise ApplicationError(_("This meeting was cancelled."), field="meeting")
    if meeting.starts_at > now:
        raise ApplicationError(
            _("Attendance can be recorded once the meeting has started."), field="meeting"
        )
    members = {enrolment.pk: enrolment for enrolment in meeting_attendance_members(meeting=meeting)}
    present = {int(pk) for pk in present_ids}
    strangers = present - set(members)
    if strangers:
        raise ApplicationError(
            _("Only members of the group can be marked present."), field="present"
        )
    with transaction.atomic():
        if token is not None:
            link_token_consume(links.ATTENDANCE, token)
        rows = []
        for enrolment_id in members:
            row, _created = Attendance.objects.update_or_create(
                meeting=meeting,
                enrolment_id=enrolment_id,
                defaults={"present": enrolment_id in present, "recorded_by": recorder},
            )
            rows.append(row)
        Meeting.objects.filter(pk=meeting.pk).update(
            note=note, attendance_recorded_at=now, attendance_recorded_by=recorder
        )
        meeting.note, meeting.attendance_recorded_at = note, now
        _attendance_to_progress(meeting, [members[pk] for pk in present], now=now)
    return rows


def _attendance_to_progress(meeting: Meeting, present: list[Enrolment], *, now) -> None:
    """Mark the week's group-meeting activities done for those present (progress's service)."""
    if meeting.module_id is None or not present:
        return
    try:
        from peerpath.progress.services import completion_mark
    except ImportError:
        return
    from peerpath.courses.models import Activity
    from peerpath.progress.models import Completion

    activities = list(
        Activity.objects.filter(
            module_id=meeting.module_id, kind=Activity.Kind.GROUP_MEETING
        ).select_related("module")
    )
    for enrolment in present:
        for activity in activities:
            completion_mark(
                enrolment=enrolment, activity=activity, source=Completion.Source.MEETING, now=now
            )


def meeting_feedback_record(
    *,
    meeting: Meeting,
    enrolment_id: int,
    rating: int,
    reflection: str = "",
    now: dt.datetime | None = None,
) -> MeetingFeedback:
    """A member's 1–5 rating of a meeting and an optional reflection; sending again updates."""
    now = now or timezone.now()
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."), field="rating")
    reflection = (reflection or "").strip()
    if len(reflection) > 2000:
        raise ApplicationError(_("Keep the reflection under 2000 characters."), field="reflection")
    if not meeting.is_scheduled:
        raise ApplicationError(_("This meeting was cancelled."), field="meeting")
    if meeting.starts_at > now:
        raise ApplicationError(_("Feedback opens when the meeting starts."), field="meeting")
    enrolment = _member_of(meeting, enrolment_id)
    feedback, _created = MeetingFeedback.objects.update_or_create(
        meeting=meeting,
        enrolment=enrolment,
        defaults={"rating": rating, "reflection": reflection},
    )
    return feedback


def meeting_next_in_line(*, meeting: Meeting, now: dt.datetime | None = None) -> Enrolment | None:
    """Who would take over this meeting from its leader: the rotation's choice among the other
    active members, counting the turns of the earlier weeks."""
    from .series import _quiet_enrolments

    now = now or timezone.now()
    group = meeting.group
    members = list(
        GroupMembership.objects.filter(group=group)
        .order_by("enrolment_id")
        .values_list("enrolment_id", "enrolment__status")
    )
    confirmed = [e for e, status in members if status == Enrolment.Status.CONFIRMED]
    quiet = _quiet_enrolments(run=group.run, enrolment_ids=confirmed, now=now)
    active = {e for e in confirmed if e not in quiet and e != meeting.leader_id}
    earlier = {
        m.week - 1: (m.leader_id if m.is_scheduled else None)
        for m in Meeting.objects.filter(group=group, week__lt=meeting.week)
    }
    weeks = meeting.week
    leaders = rotation.leader_rotation(
        [e for e, _status in members],
        [set()] * (weeks - 1) + [active],
        fixed={w: leader for w, leader in earlier.items() if w < weeks - 1},
    )
    chosen = leaders[-1]
    if chosen is None:
        return None
    return Enrolment.objects.select_related("user").get(pk=chosen)


def meeting_leader_handover(
    *,
    meeting: Meeting,
    enrolment_id: int,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """The leader hands this meeting over to the next in line; later weeks re-rotate so the
    one who handed over leads soon after. The new leader is told through the outbox."""
    from peerpath.messaging.services import outbox_enqueue

    from .series import meeting_series_create

    now = now or timezone.now()
    if not meeting.is_scheduled:
        raise ApplicationError(_("This meeting was cancelled."), field="meeting")
    if meeting.starts_at <= now:
        raise ApplicationError(_("This meeting has already started."), field="meeting")
    if meeting.leader_id != enrolment_id:
        raise ApplicationError(_("You no longer lead this meeting."), field="leader")
    successor = meeting_next_in_line(meeting=meeting, now=now)
    if successor is None:
        raise ApplicationError(
            _("There is nobody else in the group to hand over to."), field="leader"
        )
    with transaction.atomic():
        if token is not None:
            link_token_consume(links.HANDOVER, token)
        Meeting.objects.filter(pk=meeting.pk).update(
            leader=successor, leader_fixed=True, sequence=F("sequence") + 1, updated_at=now
        )
        meeting_series_create(group=meeting.group, now=now)
        outbox_enqueue(
            key=f"meeting_leader_handover:{meeting.pk}:{successor.pk}:{meeting.sequence + 1}",
            kind="meeting_leader_handover",
            recipient=successor.user,
            run=meeting.group.run,
            context={"meeting": meeting.pk, "enrolment": successor.pk, "from": enrolment_id},
        )
    meeting.refresh_from_db()
    return successor


def member_profile_update(
    *, enrolment: Enrolment, about: str, share_email: bool, share_organisation: bool
) -> MemberProfile:
    about = " ".join((about or "").split())
    if len(about) > 200:
        raise ApplicationError(_("Keep it under 200 characters."), field="about")
    profile, _created = MemberProfile.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "about": about,
            "share_email": bool(share_email),
            "share_organisation": bool(share_organisation),
        },
    )
    return profile


def group_note_add(*, group: StudyGroup, author, text: str, url: str = "") -> GroupNote:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    text = " ".join((text or "").split())
    url = (url or "").strip()
    if not text:
        raise ApplicationError(_("Write a note."), field="text")
    if len(text) > 500:
        raise ApplicationError(_("Keep the note under 500 characters."), field="text")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ApplicationError(
                _("Enter a full web address (https://…)."), field="url"
            ) from None
    return GroupNote.objects.create(group=group, author=author, text=text, url=url)


def group_note_delete(*, note: GroupNote, user) -> None:
    if note.author_id != user.pk and not user.is_staff:
        raise ApplicationError(_("Only the author can remove a note."), field="note")
    note.delete()


def meeting_attendance_requests_plan(
    *, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(days=2)
) -> int:
    """Ask the leader (and the visiting facilitator) of every meeting that ended in the last
    `within` and has no attendance yet to record it, by a once-only link. Idempotent: each
    (meeting, recorder) is asked once. Returns how many requests were new."""
    from peerpath.messaging.services import outbox_enqueue_many

    from ..selectors import meeting_settings_get

    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            ends_at__lte=now,
            ends_at__gt=now - within,
            attendance_recorded_at__isnull=True,
        )
        .select_related("group__run", "leader__user", "facilitator")
        .order_by("ends_at", "pk")
    )
    rows, days_by_run = [], {}
    for meeting in meetings:
        run = meeting.group.run
        if run.pk not in days_by_run:
            days_by_run[run.pk] = meeting_settings_get(run=run).attendance_link_days
        recorders = []
        if meeting.leader is not None:
            recorders.append(meeting.leader.user)
        if meeting.facilitator is not None:
            recorders.append(meeting.facilitator)
        for user in recorders:
            rows.append(
                {
                    "key": f"meeting_attendance_request:{meeting.pk}:{user.pk}",
                    "kind": "meeting_attendance_request",
                    "recipient": user,
                    "run": run,
                    "context": {
                        "meeting": meeting.pk,
                        "url": links.attendance_url(
                            meeting_id=meeting.pk,
                            recorder_id=user.pk,
                            days=days_by_run[run.pk],
                        ),
                        "days": days_by_run[run.pk],
                    },
                }
            )
    return outbox_enqueue_many(rows) if rows else 0
