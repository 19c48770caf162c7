"""Booking studios and production services by the hour, without double-booking."""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.production import selectors, slots, workflow
from peerpath.production.models import Booking, Proposal, Resource
from peerpath.production.services.proposals import audit_record

BOOKERS = {workflow.Role.INSTRUCTOR, workflow.Role.CONSULTANT, workflow.Role.DESIGNER}


def booking_create(
    *,
    resource: Resource,
    proposal: Proposal,
    starts_at,
    ends_at,
    booked_by,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book [starts_at, ends_at) of `resource` for a production; a slot may start as one ends.

    The booking starts in the future, on slot boundaries, within one day's opening hours of
    the resource (in its timezone), and overlaps no other booking of it.
    """
    if not selectors.production_roles_for(user=booked_by, proposal=proposal) & BOOKERS:
        raise ApplicationError(_("Only the production team books studios for it."))
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None or timezone.is_naive(value):
            raise ApplicationError(_("Give a date and time with its time zone."), field=name)
    if ends_at <= starts_at:
        raise ApplicationError(_("The booking must end after it starts."), field="ends_at")
    if starts_at < (now or timezone.now()):
        raise ApplicationError(_("A booking cannot start in the past."), field="starts_at")
    local = zoneinfo.ZoneInfo(resource.timezone)
    problems = slots.slot_problems(
        starts=starts_at.astimezone(local),
        ends=ends_at.astimezone(local),
        opens_at=resource.opens_at,
        closes_at=resource.closes_at,
        slot_minutes=resource.slot_minutes,
    )
    if problems:
        messages = [_(message) % params for _field, message, params in problems]
        raise ApplicationError(
            _("“%(resource)s” cannot be booked then (times in %(tz)s): %(reasons)s")
            % {"resource": resource.name, "tz": resource.timezone, "reasons": " ".join(messages)},
            field=problems[0][0],
            errors=[
                (field, message)
                for (field, _m, _p), message in zip(problems, messages, strict=True)
            ],
        )
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if not resource.active:
            raise ApplicationError(
                _("“%(resource)s” cannot be booked.") % {"resource": resource.name},
                field="resource",
            )
        clash = (
            Booking.objects.filter(resource=resource, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            raise ApplicationError(
                _("“%(resource)s” is booked from %(start)s to %(end)s (UTC).")
                % {
                    "resource": resource.name,
                    "start": clash.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                    "end": clash.ends_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                },
                field="starts_at",
            )
        booking = Booking.objects.create(
            resource=resource,
            proposal=proposal,
            starts_at=starts_at,
            ends_at=ends_at,
            hourly_price=resource.hourly_price,
            booked_by=booked_by,
            note=note.strip(),
        )
        audit_record(
            proposal=proposal,
            action="book",
            actor=booked_by,
            note=f"{resource.name}: {starts_at.astimezone(dt.UTC):%Y-%m-%d %H:%M}–"
            f"{ends_at.astimezone(dt.UTC):%H:%M} UTC",
        )
    return booking
