"""Meeting pages: calendar files and feeds, the group page, signed-link actions (RSVP,
attendance, hand-over, feedback), the facilitator's visits, and staff pages (pool, changes)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from peerpath.accounts.access import access_group_details, access_run_manage
from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import LinkRefused, link_refused_response, link_token_read
from peerpath.courses.models import Run

from . import links, selectors, services
from .models import CalendarFeed, Facilitator, GroupNote, Meeting, MeetingSettings

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


# --- signed links -----------------------------------------------------------------------------


def _read(request, purpose: str, token: str, *, max_age: int):
    """The payload and meeting of a signed link, or the refusal page as the second value."""
    try:
        payload = link_token_read(purpose, token, max_age=max_age)
    except LinkRefused as refused:
        return None, None, link_refused_response(request, refused)
    meeting = (
        Meeting.objects.select_related("group__run__course", "module", "leader__user")
        .filter(pk=payload.get("m"))
        .first()
    )
    if meeting is None:
        return None, None, link_refused_response(request, LinkRefused("invalid"))
    return payload, meeting, None


def _done(request, *, title: str, text: str, meeting=None, status: int = 200):
    return render(
        request,
        "meetings/link_done.html",
        {"title": title, "text": text, "meeting": meeting},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    payload, meeting, refused = _read(request, links.RSVP, token, max_age=links.MAX_AGE[links.RSVP])
    if refused:
        return refused
    answer = payload.get("a", "")
    if request.method == "POST":
        try:
            services.meeting_rsvp_record(
                meeting=meeting, enrolment_id=payload.get("e"), answer=answer
            )
        except ApplicationError as error:
            return _done(
                request,
                title=_("Nothing was changed"),
                text=error.message,
                meeting=meeting,
                status=409,
            )
        return _done(
            request,
            title=_("Thank you"),
            meeting=meeting,
            text=_("We told your group you will come.")
            if answer == "yes"
            else _("We noted that you cannot come this time."),
        )
    return render(
        request,
        "meetings/rsvp.html",
        {"meeting": meeting, "answer": answer, "when": _local(meeting, payload.get("e"))},
    )


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, token: str) -> HttpResponse:
    """The leader or facilitator records who came, without signing in; the link works once."""
    payload, meeting, refused = _read(request, links.ATTENDANCE, token, max_age=None)
    if refused:
        return refused
    # the link's lifetime is signed into it: the run's setting when it was sent
    payload, meeting, refused = _read(
        request, links.ATTENDANCE, token, max_age=int(payload.get("d", 14)) * links.DAY
    )
    if refused:
        return refused
    from peerpath.accounts.models import User

    recorder = User.objects.filter(pk=payload.get("u")).first()
    members = services.meeting_attendance_members(meeting=meeting)
    errors, values = {}, {"note": meeting.note, "present": set()}
    if request.method == "POST":
        values = {
            "note": request.POST.get("note", ""),
            "present": {int(v) for v in request.POST.getlist("present") if v.isdigit()},
        }
        try:
            services.meeting_attendance_record(
                meeting=meeting,
                recorder=recorder,
                present_ids=values["present"],
                note=values["note"],
                token=token,
            )
        except LinkRefused as refused_now:
            return link_refused_response(request, refused_now)
        except ApplicationError as error:
            errors[error.field or "form"] = error.message
        else:
            return _done(
                request,
                title=_("Attendance recorded"),
                meeting=meeting,
                text=_("Thank you. %(count)s of %(total)s were there.")
                % {"count": len(values["present"]), "total": len(members)},
            )
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "members": members,
            "errors": errors,
            "values": values,
            "when": _local(meeting, None, user=recorder),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, token: str) -> HttpResponse:
    payload, meeting, refused = _read(
        request, links.HANDOVER, token, max_age=links.MAX_AGE[links.HANDOVER]
    )
    if refused:
        return refused
    successor = services.meeting_next_in_line(meeting=meeting)
    if request.method == "POST":
        try:
            successor = services.meeting_leader_handover(
                meeting=meeting, enrolment_id=payload.get("e"), token=token
            )
        except LinkRefused as refused_now:
            return link_refused_response(request, refused_now)
        except ApplicationError as error:
            return _done(
                request,
                title=_("Nothing was changed"),
                text=error.message,
                meeting=meeting,
                status=409,
            )
        return _done(
            request,
            title=_("Handed over"),
            meeting=meeting,
            text=_("%(name)s leads this meeting now; we have told them.")
            % {"name": successor.user.name},
        )
    return render(
        request,
        "meetings/handover.html",
        {"meeting": meeting, "successor": successor, "when": _local(meeting, payload.get("e"))},
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    payload, meeting, refused = _read(
        request, links.FEEDBACK, token, max_age=links.MAX_AGE[links.FEEDBACK]
    )
    if refused:
        return refused
    existing = selectors.feedback_of(meeting=meeting, enrolment_id=payload.get("e"))
    errors = {}
    values = {
        "rating": str(existing.rating) if existing else "",
        "reflection": existing.reflection if existing else "",
    }
    if request.method == "POST":
        values = {
            "rating": request.POST.get("rating", ""),
            "reflection": request.POST.get("reflection", ""),
        }
        try:
            services.meeting_feedback_record(
                meeting=meeting,
                enrolment_id=payload.get("e"),
                rating=values["rating"],
                reflection=values["reflection"],
            )
        except ApplicationError as error:
            errors[error.field or "form"] = error.message
        else:
            return _done(
                request,
                title=_("Thank you for your feedback"),
                meeting=meeting,
                text=_("Your group's leaders and the course team read it."),
            )
    return render(
        request,
        "meetings/feedback.html",
        {
            "meeting": meeting,
            "errors": errors,
            "values": values,
            "ratings": range(1, 6),
            "when": _local(meeting, payload.get("e")),
        },
        status=400 if errors else 200,
    )


def _local(meeting: Meeting, enrolment_id, *, user=None) -> str:
    from peerpath.common.timefmt import format_local
    from peerpath.enrollment.models import Enrolment

    zone = None
    if enrolment_id:
        zone = Enrolment.objects.filter(pk=enrolment_id).values_list("timezone", flat=True).first()
    if zone is None and user is not None:
        zone = (
            Enrolment.objects.filter(user=user, run=meeting.group.run)
            .values_list("timezone", flat=True)
            .first()
        ) or user.timezone
    return format_local(meeting.starts_at, zone or meeting.group.run.timezone)


# --- facilitators -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_visits(request: HttpRequest) -> HttpResponse:
    """A facilitator's calendar of visits, with their feed address."""
    feed_row = services.calendar_feed_get(scope=CalendarFeed.Scope.FACILITATOR, user=request.user)
    if request.method == "POST":
        services.calendar_feed_reset(feed=feed_row)
        messages.success(
            request, _("Your calendar address was reset; the old one no longer works.")
        )
        return redirect("meetings:my_visits")
    visits = selectors.visits_for_facilitator(user=request.user)
    return render(
        request,
        "meetings/visits.html",
        {
            "visits": visits,
            "feed_url": _feed_url(request, feed_row),
            "now": timezone.now(),
            "zone": request.user.timezone,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facilitator_pool(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id)
    if not access_run_manage(request.user, run):
        raise Http404
    settings_row = MeetingSettings.objects.filter(run=run).first() or MeetingSettings(run=run)
    errors, values = {}, {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "add":
                    values = request.POST.dict()
                    try:
                        capacity = int(values.get("capacity_per_week") or 0)
                    except ValueError:
                        raise ApplicationError(
                            _("Enter a whole number."), field="capacity_per_week"
                        ) from None
                    services.facilitator_add(
                        run=run,
                        email=values.get("email", ""),
                        name=values.get("name", ""),
                        timezone_name=values.get("timezone", ""),
                        availability_text=values.get("availability_text", ""),
                        capacity_per_week=capacity,
                    )
                    counts = services.facilitator_visits_assign(run=run)
                    messages.success(
                        request,
                        _("Added to the pool; %(n)s visits assigned.") % {"n": counts["assigned"]},
                    )
                elif action == "leave":
                    member = get_object_or_404(
                        Facilitator, pk=request.POST.get("facilitator") or 0, run=run
                    )
                    counts = services.facilitator_leave(facilitator=member)
                    messages.success(
                        request,
                        _("%(who)s left the pool; %(n)s visits reassigned.")
                        % {"who": member.user.name, "n": counts["assigned"]},
                    )
                elif action == "settings":
                    values = request.POST.dict()
                    try:
                        every = int(values.get("visit_every_weeks") or 0)
                        visible = int(values.get("tasks_visible_hours") or -1)
                    except ValueError:
                        raise ApplicationError(
                            _("Enter whole numbers."), field="visit_every_weeks"
                        ) from None
                    if not 1 <= every <= 52:
                        raise ApplicationError(
                            _("Between 1 and 52 weeks."), field="visit_every_weeks"
                        )
                    if not 0 <= visible <= 24 * 28:
                        raise ApplicationError(
                            _("Between 0 and 672 hours."), field="tasks_visible_hours"
                        )
                    settings_row.visit_every_weeks = every
                    settings_row.tasks_visible_hours = visible
                    settings_row.save()
                    counts = services.facilitator_visits_assign(run=run)
                    messages.success(
                        request, _("Saved; %(n)s visits assigned.") % {"n": counts["assigned"]}
                    )
                elif action == "assign":
                    counts = services.facilitator_visits_assign(run=run)
                    messages.success(
                        request, _("%(n)s visits assigned.") % {"n": counts["assigned"]}
                    )
                else:
                    raise ApplicationError(_("Unknown action."), field="action")
        except ApplicationError as error:
            errors[error.field or "form"] = error.message
        else:
            return redirect("meetings:facilitator_pool", run_id=run.pk)
    pool = selectors.facilitator_pool(run=run)
    return render(
        request,
        "meetings/pool.html",
        {
            "run": run,
            "pool": pool,
            "settings": settings_row,
            "errors": errors,
            "values": values,
        },
        status=400 if errors else 200,
    )


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
