"""Calendar files for members of a study group (and staff): the series and single invites."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import selectors, services
from .models import Meeting

ICALENDAR = "text/calendar; charset=utf-8"


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


def _ics(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICALENDAR)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
