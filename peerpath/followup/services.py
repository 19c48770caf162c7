"""Writes of the follow-up queue: record a contact, snooze, close."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.followup.models import Contact, FollowUpCase

MAX_SNOOZE_DAYS = 60


def case_get_or_open(*, enrolment, by=None) -> FollowUpCase:
    """The learner's live (open or snoozed) case, opened now if there is none."""
    from peerpath.progress.models import RiskScore

    with transaction.atomic():
        case = (
            FollowUpCase.objects.select_for_update()
            .filter(enrolment=enrolment)
            .exclude(status=FollowUpCase.Status.CLOSED)
            .first()
        )
        if case is not None:
            return case
        latest = RiskScore.objects.filter(enrolment=enrolment).order_by("-day").first()
        return FollowUpCase.objects.create(
            enrolment=enrolment, owner=by, score_at_open=latest.score if latest else None
        )


def contact_record(
    *, enrolment, by, channel: str, outcome: str, note: str = "", at: dt.datetime | None = None
) -> Contact:
    """Record one contact with a learner (opening their case if needed); an open case stays
    open, a snoozed one wakes up."""
    if channel not in Contact.Channel.values:
        raise ApplicationError(_("Choose how you made contact."), field="channel")
    if outcome not in Contact.Outcome.values:
        raise ApplicationError(_("Choose the outcome of the contact."), field="outcome")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(_("A contact cannot lie in the future."), field="at")
    with transaction.atomic():
        case = case_get_or_open(enrolment=enrolment, by=by)
        if case.status == FollowUpCase.Status.SNOOZED:
            case.status, case.snoozed_until = FollowUpCase.Status.OPEN, None
            case.save(update_fields=["status", "snoozed_until", "updated_at"])
        return Contact.objects.create(
            case=case, by=by, at=at, channel=channel, outcome=outcome, note=note.strip()
        )


def case_snooze(*, enrolment, until: dt.date, by=None, today: dt.date | None = None):
    today = today or timezone.localdate()
    if until <= today:
        raise ApplicationError(_("Snooze until a day after today."), field="until")
    if until > today + dt.timedelta(days=MAX_SNOOZE_DAYS):
        raise ApplicationError(
            _("Snooze for at most %(days)s days.") % {"days": MAX_SNOOZE_DAYS}, field="until"
        )
    with transaction.atomic():
        case = case_get_or_open(enrolment=enrolment, by=by)
        case.status, case.snoozed_until = FollowUpCase.Status.SNOOZED, until
        case.save(update_fields=["status", "snoozed_until", "updated_at"])
    return case


def case_close(*, enrolment, note: str = "", by=None) -> FollowUpCase:
    with transaction.atomic():
        case = case_get_or_open(enrolment=enrolment, by=by)
        case.status, case.closed_at, case.close_note = (
            FollowUpCase.Status.CLOSED,
            timezone.now(),
            note.strip()[:300],
        )
        case.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    return case
