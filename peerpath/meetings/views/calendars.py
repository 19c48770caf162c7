"""Calendar files and subscribable feeds of meetings."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..models import CalendarFeed, Meeting

ICALENDAR = "text/calendar; charset=utf-8"


# --- calendar files ---------------------------------------------------------------------------


@require_GET
@cache_control(private=True, no_cache=True)
def group_calendar(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group's whole series (METHOD:PUBLISH), shown in the member's own timezone."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    group = selectors.meeting_group_get_for_user(group_id=group_id, user=request.user)
    if group is None:
        raise Http404
    tzid = selectors.meeting_member_timezone(group=group, user=request.user)
    content = services.meeting_invite_ics(
        meetings=selectors.meeting_list_for_group(group=group), method="PUBLISH", tzid=tzid
    )
    return _ics(content, filename=f"peerpath-group-{group.pk}.ics")


@require_GET
@cache_control(private=True, no_cache=True)
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One meeting as an invitation (METHOD:REQUEST), or METHOD:CANCEL once cancelled."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = selectors.meeting_get_for_user(meeting_id=meeting_id, user=request.user)
    if meeting is None:
        raise Http404
    cancelled = meeting.status == Meeting.Status.CANCELLED
    tzid = selectors.meeting_member_timezone(group=meeting.group, user=request.user)
    content = services.meeting_invite_ics(
        meetings=[meeting], method="CANCEL" if cancelled else "REQUEST", tzid=tzid
    )
    return _ics(content, filename=f"peerpath-meeting-{meeting.pk}.ics")


@require_GET
@cache_control(private=True, no_cache=True)
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A subscribable feed; the token is the only key, so an unknown one is simply not found."""
    found = selectors.feed_get_by_token(token=token)
    if found is None:
        raise Http404
    return _ics(services.calendar_feed_ics(feed=found), filename="peerpath.ics", inline=True)


def _ics(content: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=ICALENDAR)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _feed_url(request, feed_row: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("meetings:feed", args=[feed_row.token]))


# --- the group page ---------------------------------------------------------------------------
