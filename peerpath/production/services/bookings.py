"""Booking studios and production services by the hour, without double-booking."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.production import selectors, workflow
from peerpath.production.models import Booking, Proposal, Resource

BOOKERS = {workflow.Role.INSTRUCTOR, workflow.Role.CONSULTANT, workflow.Role.DESIGNER}


def booking_create(
    *, resource: Resource, proposal: Proposal, starts_at, ends_at, booked_by, note: str = ""
) -> Booking:
    """Book [starts_at, ends_at) of `resource` for a production; a slot may start as one ends."""
    if not selectors.production_roles_for(user=booked_by, proposal=proposal) & BOOKERS:
        raise ApplicationError(_("Only the production team books studios for it."))
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None or timezone.is_naive(value):
            raise ApplicationError(_("Give a date and time with its time zone."), field=name)
    if ends_at <= starts_at:
        raise ApplicationError(_("The booking must end after it starts."), field="ends_at")
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
        return Booking.objects.create(
            resource=resource,
            proposal=proposal,
            starts_at=starts_at,
            ends_at=ends_at,
            hourly_price=resource.hourly_price,
            booked_by=booked_by,
            note=note.strip(),
        )
