"""Writes for meetings: each group's weekly series, its video room and its calendar files.

Adapter around the pure cores: `schedule` (when), `rotation` (who leads), `calendar`
(iCalendar bytes). Meetings sit at the group's fixed UTC hour every week; see `calendar`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.courses.models import Module, Run
from peerpath.enrollment.models import Enrolment
from peerpath.grouping.models import GroupMembership, StudyGroup

from .. import calendar, rotation, schedule
from ..models import Meeting, MeetingSettings


def meeting_series_create(*, group: StudyGroup, now: dt.datetime | None = None) -> list[Meeting]:
    """Create or bring up to date the group's meetings, one per week of the run.

    Idempotent. Meetings that have started by `now`, and cancelled ones, are left alone (their
    leaders count in the rotation); a later meeting whose time, module or leader changes is
    updated in place, keeping its UID, with its SEQUENCE raised. Meetings of weeks beyond the
    course's current number of modules are left as they are. Returns weeks 1..n in order.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = StudyGroup.objects.select_for_update(of=("self",)).select_related("run")
        group = locked.get(pk=group.pk)
        return _series_for_groups(run=group.run, groups=[group], now=now)[group.pk]


def meeting_series_for_run(*, run: Run, now: dt.datetime | None = None) -> list[Meeting]:
    """`meeting_series_create` for every group of the run, in a constant number of queries."""
    now = now or timezone.now()
    with transaction.atomic():
        groups = list(StudyGroup.objects.select_for_update().filter(run=run).order_by("pk"))
        by_group = _series_for_groups(run=run, groups=groups, now=now)
        from .visits import facilitator_visits_assign

        if run.facilitators.filter(left_at__isnull=True).exists():
            facilitator_visits_assign(run=run, now=now)
    return [meeting for group in groups for meeting in by_group[group.pk]]


def meeting_series_refresh(*, now: dt.datetime | None = None) -> int:
    """Bring the series of every run with meetings still to come up to date (the daily tick):
    leaders skip members who went quiet, visits fill gaps. Returns the number of runs."""
    now = now or timezone.now()
    run_ids = (
        Meeting.objects.filter(starts_at__gt=now, status=Meeting.Status.SCHEDULED)
        .values_list("group__run_id", flat=True)
        .distinct()
    )
    runs = list(Run.objects.filter(pk__in=list(run_ids)))
    for run in runs:
        meeting_series_for_run(run=run, now=now)
    return len(runs)


def meeting_settings_for_run(run: Run) -> MeetingSettings:
    """The run's meeting settings, or the defaults (unsaved) when it has none."""
    found = MeetingSettings.objects.filter(run=run).first()
    return found or MeetingSettings(run=run)


def meeting_video_url(*, group: StudyGroup) -> str:
    """The group's video room: the run's URL template, else the site's, with the group's
    unguessable room token in place of `{token}`."""
    template = group.run.video_url_template or settings.PEERPATH_VIDEO_URL_TEMPLATE
    return template.replace("{token}", group.room_token)


def meeting_invite_ics(
    *,
    meetings: Iterable[Meeting],
    method: str,
    tzid: str | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """An iCalendar file for the meetings: REQUEST (invite), CANCEL or PUBLISH (feed).

    Organizer is DEFAULT_FROM_EMAIL; attendees are the members of each meeting's group who
    have not withdrawn. Times are shown in `tzid` when it is a known timezone, else in the
    run's timezone; the instants are the same either way.
    """
    meetings = list(meetings)
    stamp = now or timezone.now()
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = calendar.Person(email=organizer_email, name=organizer_name or "PeerPath")
    attendees = _attendees_by_group({meeting.group_id for meeting in meetings})
    events = [
        _meeting_event(
            meeting,
            organizer=organizer,
            attendees=attendees.get(meeting.group_id, ()) + _facilitator(meeting),
            tzid=_known_timezone(tzid) or _known_timezone(meeting.group.run.timezone) or "UTC",
        )
        for meeting in meetings
    ]
    if len({meeting.group_id for meeting in meetings}) == 1:
        group = meetings[0].group
        name = _("%(run)s · group %(number)s") % {"run": group.run.title, "number": group.number}
    else:
        name = "PeerPath"
    return calendar.build_invite(events, dtstamp=stamp, method=method, calendar_name=name)


# --- series planning -------------------------------------------------------------------------


def _series_for_groups(
    *, run: Run, groups: Sequence[StudyGroup], now: dt.datetime
) -> dict[int, list[Meeting]]:
    modules = list(Module.objects.filter(course_id=run.course_id).order_by("position", "pk"))
    group_ids = [group.pk for group in groups]
    members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    confirmed = list(
        GroupMembership.objects.filter(group_id__in=group_ids)
        .order_by("enrolment_id")
        .values_list("group_id", "enrolment_id", "enrolment__status")
    )
    quiet = _quiet_enrolments(
        run=run,
        enrolment_ids=[e for _g, e, status in confirmed if status == Enrolment.Status.CONFIRMED],
        now=now,
    )
    for group_id, enrolment_id, status in confirmed:
        is_active = status == Enrolment.Status.CONFIRMED and enrolment_id not in quiet
        members[group_id].append((enrolment_id, is_active))
    existing: dict[int, dict[int, Meeting]] = defaultdict(dict)
    for meeting in Meeting.objects.filter(group_id__in=group_ids):
        existing[meeting.group_id][meeting.week] = meeting

    to_create: list[Meeting] = []
    to_update: list[tuple[Meeting, dict]] = []
    planned: dict[int, list[Meeting]] = {}
    for group in groups:
        created, updated, series = _plan_group(
            run=run,
            group=group,
            modules=modules,
            members=members[group.pk],
            existing=existing[group.pk],
            now=now,
        )
        to_create += created
        to_update += updated
        planned[group.pk] = series
    Meeting.objects.bulk_create(to_create, batch_size=1000)
    _update_changed(to_update, now=now)
    return planned


def _update_changed(changes: Sequence[tuple[Meeting, dict]], *, now: dt.datetime) -> None:
    """One UPDATE per distinct set of new values (a moved hour moves many meetings to the same
    instants), raising SEQUENCE in the database; several times faster than `bulk_update`."""
    pks_by_values: dict[tuple, list[int]] = defaultdict(list)
    for meeting, changed in changes:
        pks_by_values[tuple(sorted(changed.items()))].append(meeting.pk)
    for values, pks in pks_by_values.items():
        for start in range(0, len(pks), 500):
            Meeting.objects.filter(pk__in=pks[start : start + 500]).update(
                **dict(values), sequence=F("sequence") + 1, updated_at=now
            )


def _plan_group(
    *,
    run: Run,
    group: StudyGroup,
    modules: Sequence[Module],
    members: Sequence[tuple[int, bool]],
    existing: dict[int, Meeting],
    now: dt.datetime,
) -> tuple[list[Meeting], list[tuple[Meeting, dict]], list[Meeting]]:
    weeks = len(modules)
    starts = schedule.meeting_starts(
        starts_on=run.starts_on, timezone=run.timezone, hour_utc=group.hour_utc, weeks=weeks
    )
    length = dt.timedelta(minutes=run.meeting_minutes)
    frozen = {
        week: meeting
        for week, meeting in existing.items()
        if meeting.status == Meeting.Status.CANCELLED or meeting.starts_at <= now
    }
    active = {enrolment_id for enrolment_id, is_active in members if is_active}
    leaders = rotation.leader_rotation(
        [enrolment_id for enrolment_id, _active in members],
        [active] * weeks,
        fixed={
            week - 1: (meeting.leader_id if meeting.status == Meeting.Status.SCHEDULED else None)
            for week, meeting in existing.items()
            if week <= weeks and (week in frozen or meeting.leader_fixed)
        },
    )
    created: list[Meeting] = []
    updated: list[tuple[Meeting, dict]] = []
    series: list[Meeting] = []
    for week, (starts_at, module, leader_id) in enumerate(
        zip(starts, modules, leaders, strict=True), start=1
    ):
        wanted = {
            "starts_at": starts_at,
            "ends_at": starts_at + length,
            "module_id": module.pk,
            "leader_id": leader_id,
        }
        meeting = existing.get(week)
        if meeting is not None and meeting.time_fixed:  # moved by staff: keep its time
            del wanted["starts_at"], wanted["ends_at"]
        if meeting is not None and meeting.leader_fixed:  # handed over: keep its leader
            del wanted["leader_id"]
        if meeting is None:
            meeting = Meeting(group=group, week=week, **wanted)
            meeting.module = module  # the instance, so callers can read it without a query
            created.append(meeting)
        elif week not in frozen:
            changed = {
                name: value for name, value in wanted.items() if getattr(meeting, name) != value
            }
            if changed:
                for name, value in changed.items():
                    setattr(meeting, name, value)
                meeting.sequence += 1
                meeting.updated_at = now
                updated.append((meeting, changed))
        series.append(meeting)
    return created, updated, series


def _quiet_enrolments(*, run: Run, enrolment_ids: list[int], now: dt.datetime) -> set[int]:
    """Members without any sign of activity for the run's `quiet_after_days` (none is quiet
    before the run has been going that long, nor soon after they joined)."""
    if not enrolment_ids:
        return set()
    quiet_after = dt.timedelta(days=meeting_settings_for_run(run).quiet_after_days)
    run_start = schedule.run_week_starts_at(starts_on=run.starts_on, timezone=run.timezone, week=1)
    if now - run_start < quiet_after:
        return set()
    cutoff = now - quiet_after
    from ..selectors import member_last_activity

    last = member_last_activity(enrolment_ids=enrolment_ids)
    return {
        enrolment_id for enrolment_id in enrolment_ids if (last.get(enrolment_id) or now) < cutoff
    }


# --- calendar adapter ------------------------------------------------------------------------


def _attendees_by_group(group_ids: set[int]) -> dict[int, tuple[calendar.Person, ...]]:
    attendees: dict[int, list[calendar.Person]] = defaultdict(list)
    rows = (
        GroupMembership.objects.filter(group_id__in=group_ids)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .select_related("enrolment__user")
        .order_by("enrolment_id")
    )
    for membership in rows:
        user = membership.enrolment.user
        attendees[membership.group_id].append(calendar.Person(email=user.email, name=user.name))
    return {group_id: tuple(people) for group_id, people in attendees.items()}


def _facilitator(meeting: Meeting) -> tuple[calendar.Person, ...]:
    if meeting.facilitator_id is None:
        return ()
    user = meeting.facilitator
    return (calendar.Person(email=user.email, name=user.name),)


def _meeting_event(
    meeting: Meeting,
    *,
    organizer: calendar.Person,
    attendees: tuple[calendar.Person, ...],
    tzid: str,
) -> calendar.MeetingEvent:
    group = meeting.group
    run = group.run
    video_url = meeting_video_url(group=group)
    module = meeting.module
    summary = _("%(course)s: study group %(number)s, week %(week)s") % {
        "course": run.course.title,
        "number": group.number,
        "week": meeting.week,
    }
    lines = [run.title]
    if module is not None:
        lines.append(_("Week %(week)s: %(title)s") % {"week": meeting.week, "title": module.title})
    if meeting.leader is not None:
        lines.append(_("Discussion leader: %(name)s") % {"name": meeting.leader.user.name})
    if meeting.facilitator_id is not None:
        lines.append(_("Visiting facilitator: %(name)s") % {"name": meeting.facilitator.name})
    if module is not None and module.discussion_tasks:
        lines += ["", _("To discuss:"), module.discussion_tasks]
    lines += ["", _("Video room: %(url)s") % {"url": video_url}, settings.SITE_URL]
    cancelled = meeting.status == Meeting.Status.CANCELLED
    return calendar.MeetingEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=summary,
        description="\n".join(lines),
        url=video_url,
        organizer=organizer,
        attendees=attendees,
        status="CANCELLED" if cancelled else "CONFIRMED",
        tzid=tzid,
    )


def _known_timezone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
