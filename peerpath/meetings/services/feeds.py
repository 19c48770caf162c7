"""Calendar feeds (METHOD:PUBLISH) behind unguessable tokens that their owner can reset.

A learner's feed holds the meetings of every group they belong to, a group's feed that group's
meetings, a facilitator's feed the meetings they visit. Cancelled meetings stay in a feed with
STATUS:CANCELLED and a raised SEQUENCE, so subscribed calendars drop them.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from ..models import CalendarFeed, new_feed_token
from ..selectors import feed_meetings
from .series import meeting_invite_ics


def calendar_feed_get(*, scope: str, user=None, group=None) -> CalendarFeed:
    """The feed of `user` (learner or facilitator scope) or of `group`, created on first use."""
    if scope == CalendarFeed.Scope.GROUP:
        lookup = {"scope": scope, "group": group, "user": None}
    else:
        lookup = {"scope": scope, "user": user, "group": None}
    found = CalendarFeed.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(**lookup)
    except IntegrityError:  # created at the same moment by another request
        return CalendarFeed.objects.get(**lookup)


def calendar_feed_reset(*, feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new token; the old address stops working at once."""
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "updated_at"])
    return feed


def calendar_feed_ics(*, feed: CalendarFeed, now: dt.datetime | None = None) -> bytes:
    meetings, tzid = feed_meetings(feed=feed)
    return meeting_invite_ics(meetings=meetings, method="PUBLISH", tzid=tzid, now=now)
