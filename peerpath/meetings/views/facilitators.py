"""Facilitators: their visits and feed, and the run's facilitator pool for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerpath.accounts.access import access_run_manage
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run

from .. import selectors, services
from ..models import CalendarFeed, Facilitator, MeetingSettings
from .calendars import _feed_url


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
