"""The group page for members and staff, and staff moving or cancelling meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerpath.accounts.access import access_group_details, access_run_manage
from peerpath.common.errors import ApplicationError

from .. import selectors, services
from ..models import CalendarFeed, GroupNote, Meeting
from .calendars import _feed_url


@login_required
@require_http_methods(["GET", "POST"])
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.meeting_group_get_for_user(group_id=group_id, user=request.user)
    if group is None or not access_group_details(request.user, group):
        raise Http404
    enrolment = selectors.group_enrolment_of(group=group, user=request.user)
    if request.method == "POST":
        try:
            _group_action(request, group, enrolment)
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("meetings:group", group_id=group.pk)
    now = timezone.now()
    page = selectors.group_page_data(group=group, enrolment=enrolment, now=now)
    personal = services.calendar_feed_get(scope=CalendarFeed.Scope.LEARNER, user=request.user)
    group_feed = services.calendar_feed_get(scope=CalendarFeed.Scope.GROUP, group=group)
    return render(
        request,
        "meetings/group.html",
        {
            "page": page,
            "group": group,
            "enrolment": enrolment,
            "personal_feed_url": _feed_url(request, personal),
            "group_feed_url": _feed_url(request, group_feed),
            "now": now,
        },
    )


def _group_action(request, group, enrolment) -> None:
    action = request.POST.get("action")
    if action == "note_add":
        services.group_note_add(
            group=group,
            author=request.user,
            text=request.POST.get("text", ""),
            url=request.POST.get("url", ""),
        )
        messages.success(request, _("Note added."))
    elif action == "note_delete":
        note = get_object_or_404(GroupNote, pk=request.POST.get("note") or 0, group=group)
        services.group_note_delete(note=note, user=request.user)
        messages.success(request, _("Note removed."))
    elif action == "profile" and enrolment is not None:
        services.member_profile_update(
            enrolment=enrolment,
            about=request.POST.get("about", ""),
            share_email=bool(request.POST.get("share_email")),
            share_organisation=bool(request.POST.get("share_organisation")),
        )
        messages.success(request, _("Saved what you share with your group."))
    elif action == "reset_personal_feed":
        services.calendar_feed_reset(
            feed=services.calendar_feed_get(scope=CalendarFeed.Scope.LEARNER, user=request.user)
        )
        messages.success(
            request, _("Your calendar address was reset; the old one no longer works.")
        )
    elif action == "reset_group_feed":
        services.calendar_feed_reset(
            feed=services.calendar_feed_get(scope=CalendarFeed.Scope.GROUP, group=group)
        )
        messages.success(request, _("The group's calendar address was reset."))
    elif action == "rsvp" and enrolment is not None:
        meeting = get_object_or_404(Meeting, pk=request.POST.get("meeting") or 0, group=group)
        services.meeting_rsvp_record(
            meeting=meeting, enrolment_id=enrolment.pk, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("Thank you, your answer is saved."))
    else:
        raise ApplicationError(_("Unknown action."), field="action")


# --- staff: move or cancel ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_manage(request: HttpRequest, group_id: int) -> HttpResponse:
    from peerpath.grouping.models import StudyGroup

    group = get_object_or_404(StudyGroup.objects.select_related("run__course"), pk=group_id)
    if not access_run_manage(request.user, group.run):
        raise Http404
    run_zone = ZoneInfo(group.run.timezone)
    errors = {}
    if request.method == "POST":
        meeting = get_object_or_404(Meeting, pk=request.POST.get("meeting") or 0, group=group)
        try:
            if request.POST.get("action") == "cancel":
                services.meeting_cancel(meeting=meeting, made_by=request.user)
                messages.success(
                    request,
                    _("Week %(week)s cancelled; the group was told.") % {"week": meeting.week},
                )
            elif request.POST.get("action") == "move":
                raw = request.POST.get("starts_at", "")
                try:
                    local = dt.datetime.fromisoformat(raw)
                except ValueError:
                    raise ApplicationError(
                        _("Enter a date and time like 2026-10-20 18:30."), field="starts_at"
                    ) from None
                if local.tzinfo is None:
                    local = local.replace(tzinfo=run_zone)
                change = services.meeting_move(
                    meeting=meeting,
                    starts_at=local,
                    rest_of_series=bool(request.POST.get("rest_of_series")),
                    made_by=request.user,
                )
                messages.success(
                    request,
                    _("%(n)s meetings moved; the group was told.") % {"n": len(change.meeting_ids)},
                )
            else:
                raise ApplicationError(_("Unknown action."), field="action")
        except ApplicationError as error:
            errors[meeting.pk] = f"{error.message}"
        else:
            return redirect("meetings:group_manage", group_id=group.pk)
    meetings = selectors.meeting_list_for_group(group=group)
    rows = [
        {
            "meeting": m,
            "local": m.starts_at.astimezone(run_zone),
            "error": errors.get(m.pk, ""),
            "changeable": m.is_scheduled and m.starts_at > timezone.now(),
        }
        for m in meetings
    ]
    return render(
        request,
        "meetings/manage.html",
        {"group": group, "rows": rows, "zone": group.run.timezone},
        status=400 if errors else 200,
    )
