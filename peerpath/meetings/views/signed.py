"""Pages behind signed links, no login: RSVP, attendance, hand-over and feedback."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerpath.common.errors import ApplicationError
from peerpath.common.signed_links import LinkRefused, link_refused_response, link_token_read

from .. import links, selectors, services
from ..models import Meeting

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
