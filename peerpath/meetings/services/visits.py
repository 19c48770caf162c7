"""The facilitator pool of a run and who visits which meeting (adapter around `facilitation`)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import RunRole, User
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Module, Run
from peerpath.enrollment import availability

from .. import facilitation
from ..models import Facilitator, Meeting
from ..selectors import meeting_settings_get


def facilitator_add(
    *,
    run: Run,
    email: str,
    name: str = "",
    timezone_name: str,
    availability_text: str,
    capacity_per_week: int,
) -> Facilitator:
    """Put a person in the run's facilitator pool (or update their entry), creating the account
    when needed. Availability is given in their local time, like 'Mon-Thu 17-21; Sat 10-12'."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ApplicationError(_("Enter a valid e-mail address."), field="email")
    if timezone_name not in availability.timezone_names():
        raise ApplicationError(_("Choose a known timezone."), field="timezone")
    if capacity_per_week < 1:
        raise ApplicationError(_("Allow at least one visit a week."), field="capacity_per_week")
    try:
        local_hours = availability.parse_ranges(availability_text)
    except availability.AvailabilitySyntaxError as error:
        raise ApplicationError(
            _("Cannot read “%(entry)s”: %(detail)s.") % {"entry": error.entry, "detail": error},
            field="availability_text",
        ) from None
    if not local_hours:
        raise ApplicationError(
            _("Give at least one hour, for example 'Tue 17-20'."), field="availability_text"
        )
    weeks = max(Module.objects.filter(course_id=run.course_id).count(), 1)
    hours_utc = availability.local_to_utc_hours(local_hours, timezone_name, run.starts_on, weeks)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                username=email, email=email, display_name=name.strip(), timezone=timezone_name
            )
        RunRole.objects.get_or_create(run=run, user=user, role=RunRole.Role.FACILITATOR)
        facilitator, _created = Facilitator.objects.update_or_create(
            run=run,
            user=user,
            defaults={
                "timezone": timezone_name,
                "availability_text": availability_text.strip(),
                "availability_utc": hours_utc,
                "capacity_per_week": capacity_per_week,
                "left_at": None,
            },
        )
    return facilitator


def facilitator_leave(*, facilitator: Facilitator, now: dt.datetime | None = None) -> dict:
    """Take a facilitator out of the pool; their visits still to come go to others where
    possible. Returns the assignment counts of `facilitator_visits_assign`."""
    now = now or timezone.now()
    with transaction.atomic():
        Facilitator.objects.filter(pk=facilitator.pk).update(left_at=now)
        facilitator.left_at = now
        return facilitator_visits_assign(run=facilitator.run, now=now)


def facilitator_visits_assign(*, run: Run, now: dt.datetime | None = None) -> dict:
    """Give each group a facilitator visit about every `visit_every_weeks` weeks.

    Visits of meetings already started stay as they were; visits still to come stay with
    their facilitator while that person is in the pool and can still make the meeting's time
    (staff may have moved it); every other meeting to come is open. Changed meetings get a
    raised SEQUENCE. Returns {"kept", "assigned", "removed"}.
    """
    now = now or timezone.now()
    every = meeting_settings_get(run=run).visit_every_weeks
    with transaction.atomic():
        pool = list(
            Facilitator.objects.select_for_update()
            .filter(run=run, left_at__isnull=True)
            .order_by("pk")
        )
        specs = [
            facilitation.FacilitatorSpec(
                facilitator_id=f.user_id,
                capacity_per_week=f.capacity_per_week,
                hours_utc=frozenset(f.availability_utc),
            )
            for f in pool
        ]
        by_user = {spec.facilitator_id: spec for spec in specs}
        meetings = list(
            Meeting.objects.select_for_update(of=("self",))
            .filter(group__run=run)
            .order_by("starts_at", "pk")
        )
        slots, fixed = [], {}
        for meeting in meetings:
            open_ = meeting.is_scheduled and meeting.starts_at > now
            slot = facilitation.VisitSlot(
                meeting_id=meeting.pk,
                group_id=meeting.group_id,
                week=meeting.week,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                assignable=open_,
            )
            slots.append(slot)
            if meeting.facilitator_id is None:
                continue
            spec = by_user.get(meeting.facilitator_id)
            if not open_ or (spec is not None and facilitation.can_attend(spec, slot)):
                fixed[meeting.pk] = meeting.facilitator_id
        assignment = facilitation.assign_visits(slots, specs, every_weeks=every, fixed=fixed)
        counts = {"kept": len(fixed), "assigned": 0, "removed": 0}
        changes: dict[int, dict[str, list[int]]] = {}
        for meeting in meetings:
            wanted = assignment.get(meeting.pk)
            if wanted == meeting.facilitator_id:
                continue
            counts["assigned" if wanted is not None else "removed"] += 1
            Meeting.objects.filter(pk=meeting.pk).update(
                facilitator_id=wanted, sequence=F("sequence") + 1, updated_at=now
            )
            if wanted is not None:
                changes.setdefault(wanted, {"added": [], "removed": []})["added"].append(meeting.pk)
            if meeting.facilitator_id is not None:
                changes.setdefault(meeting.facilitator_id, {"added": [], "removed": []})[
                    "removed"
                ].append(meeting.pk)
        _visits_changed_tell(run=run, changes=changes, now=now)
    return counts


def _digest(change: dict) -> str:
    text = ",".join(map(str, sorted(change["added"]))) + "/" + ",".join(
        map(str, sorted(change["removed"]))
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _visits_changed_tell(*, run: Run, changes: dict, now: dt.datetime) -> None:
    """One message to each facilitator whose visits changed in this assignment, in the same
    transaction; it lists their visits (rendered at delivery) in their own timezone."""
    if not changes:
        return
    from peerpath.messaging.services import outbox_enqueue_many

    zones = dict(
        Facilitator.objects.filter(run=run, user_id__in=list(changes)).values_list(
            "user_id", "timezone"
        )
    )
    users = User.objects.in_bulk(list(changes))
    stamp = now.isoformat()
    outbox_enqueue_many(
        [
            {
                "key": f"facilitator_visits:{run.pk}:{user_id}:{stamp}:{_digest(change)}",
                "kind": "facilitator_visits",
                "run": run,
                "recipient": users[user_id],
                "tz": zones.get(user_id) or users[user_id].timezone,
                "context": {"added": sorted(change["added"]), "removed": sorted(change["removed"])},
            }
            for user_id, change in sorted(changes.items())
            if user_id in users
        ]
    )
