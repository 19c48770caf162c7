"""Reads behind the staff run hub: which runs a person may manage, each run's headline figures,
and the staff tools of a run that this person may open.

Every other app is imported lazily and is optional: a tool whose app or URL is missing is left
out, and a figure whose app is missing is shown as unknown, so the hub never breaks because one
part is absent or changing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.access import STAFF_ROLES
from peerpath.accounts.models import RunRole
from peerpath.courses.models import Module, Run
from peerpath.courses.selectors import run_week

STATUS_ORDER = {
    Run.Status.RUNNING: 0,
    Run.Status.OPEN: 1,
    Run.Status.DRAFT: 2,
    Run.Status.CLOSED: 3,
}


def user_has_run_staff_role(user) -> bool:
    """Site staff, or an instructor, facilitator or tutor of at least one run."""
    if not user.is_authenticated:
        return False
    return user.is_staff or RunRole.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def run_list_for_staff(*, user) -> list[Run]:
    """The runs `user` may manage or assist in (every run for site staff): running ones first,
    then open, draft and closed, the latest start first within each; each with `n_confirmed`
    and `n_waitlisted`, and `my_roles` (the user's staff roles in it)."""
    if not user.is_authenticated:
        return []
    runs = Run.objects.select_related("course").annotate(
        n_confirmed=Count("enrolments", filter=Q(enrolments__status="confirmed")),
        n_waitlisted=Count("enrolments", filter=Q(enrolments__status="waitlisted")),
    )
    roles: dict[int, set[str]] = {}
    for run_id, role in RunRole.objects.filter(user=user, role__in=STAFF_ROLES).values_list(
        "run_id", "role"
    ):
        roles.setdefault(run_id, set()).add(role)
    if not user.is_staff:
        runs = runs.filter(pk__in=list(roles))
    found = list(runs)
    labels = dict(RunRole.Role.choices)
    for run in found:
        run.my_roles = sorted(str(labels[r]) for r in roles.get(run.pk, ()))
    found.sort(key=lambda r: (STATUS_ORDER.get(r.status, 9), -r.starts_on.toordinal(), r.title))
    return found


@dataclass
class Figure:
    """One headline number of a run, with what it means and where to look closer."""

    key: str
    label: str
    value: str
    detail: str = ""
    url: str = ""


@dataclass
class Tool:
    label: str
    url: str
    description: str = ""


@dataclass
class ToolSection:
    key: str
    title: str
    tools: list[Tool] = field(default_factory=list)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def run_headlines(*, run: Run, now: dt.datetime, manage: bool = False) -> list[Figure]:
    """A few figures that say how the run stands, in a bounded number of queries whatever its
    size: learners, groups and who waits for one, this week's meetings, completion, follow-up,
    surveys and the outbox. `manage`: the reader may open the instructors' tools."""
    figures: list[Figure] = []
    weeks = Module.objects.filter(course_id=run.course_id).count()
    week = run_week(run=run, on=now.date())
    if week == 0:
        when = _("starts %(date)s") % {"date": run.starts_on.isoformat()}
    elif week > weeks:
        when = _("finished")
    else:
        when = _("week %(week)s of %(weeks)s") % {"week": week, "weeks": weeks}
    figures.append(Figure("week", _("Where the run is"), str(when), run.get_status_display()))

    from peerpath.enrollment.models import Enrolment

    by_status = dict(
        Enrolment.objects.filter(run=run).order_by().values_list("status").annotate(n=Count("id"))
    )
    confirmed = by_status.get(Enrolment.Status.CONFIRMED, 0)
    figures.append(
        Figure(
            "learners",
            _("Learners"),
            str(confirmed),
            _("%(waiting)s waitlisted, %(pending)s not yet confirmed, %(left)s withdrawn")
            % {
                "waiting": by_status.get(Enrolment.Status.WAITLISTED, 0),
                "pending": by_status.get(Enrolment.Status.PENDING, 0),
                "left": by_status.get(Enrolment.Status.WITHDRAWN, 0),
            },
        )
    )
    figures += _group_figures(run)
    figures += _meeting_figures(run, now, manage=manage)
    figures += _progress_figures(run, confirmed)
    figures += _survey_figures(run)
    figures += _outbox_figures(run)
    return figures


def _group_figures(run: Run) -> list[Figure]:
    try:
        from peerpath.grouping.models import LateJoinerHold, StudyGroup
    except ImportError:
        return []
    by_status = dict(
        StudyGroup.objects.filter(run=run).order_by().values_list("status").annotate(n=Count("id"))
    )
    held = LateJoinerHold.objects.filter(
        enrolment__run=run, enrolment__membership__isnull=True
    ).count()
    published = by_status.get(StudyGroup.Status.PUBLISHED, 0)
    drafts = sum(n for status, n in by_status.items() if status != StudyGroup.Status.PUBLISHED)
    return [
        Figure(
            "groups",
            _("Study groups published"),
            str(published),
            _("%(drafts)s not published; %(held)s late joiners wait for a group")
            % {"drafts": drafts, "held": held},
            _url("grouping:staff_run", run.slug),
        )
    ]


def _meeting_figures(run: Run, now: dt.datetime, *, manage: bool) -> list[Figure]:
    try:
        from peerpath.meetings.models import Attendance, Meeting
    except ImportError:
        return []
    coming = Meeting.objects.filter(
        group__run=run,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=now,
        starts_at__lt=now + dt.timedelta(days=7),
    ).aggregate(n=Count("id"), visited=Count("id", filter=Q(facilitator__isnull=False)))
    attendance = Attendance.objects.filter(meeting__group__run=run).aggregate(
        n=Count("id"), present=Count("id", filter=Q(present=True))
    )
    return [
        Figure(
            "meetings",
            _("Meetings in the next 7 days"),
            str(coming["n"]),
            _("%(visited)s with a facilitator visit; attendance so far %(rate)s")
            % {
                "visited": coming["visited"],
                "rate": _percent(attendance["present"], attendance["n"]),
            },
            _url("meetings:facilitator_pool", run.pk) if manage else "",
        )
    ]


def _progress_figures(run: Run, confirmed: int) -> list[Figure]:
    figures = []
    try:
        from peerpath.progress.models import RunCompletion
    except ImportError:
        pass
    else:
        completed = RunCompletion.objects.filter(enrolment__run=run).count()
        figures.append(
            Figure(
                "completed",
                _("Completed the run"),
                str(completed),
                _("%(rate)s of confirmed learners") % {"rate": _percent(completed, confirmed)},
                _url("run_progress", run.pk),
            )
        )
    try:
        from peerpath.followup.models import FollowUpCase
    except ImportError:
        return figures
    cases = FollowUpCase.objects.filter(enrolment__run=run).aggregate(
        open=Count("id", filter=Q(status=FollowUpCase.Status.OPEN)),
        closed=Count("id", filter=Q(status=FollowUpCase.Status.CLOSED)),
    )
    figures.append(
        Figure(
            "followup",
            _("Open follow-up cases"),
            str(cases["open"]),
            _("%(closed)s closed") % {"closed": cases["closed"]},
            _url("followup:queue", run.pk),
        )
    )
    return figures


def _survey_figures(run: Run) -> list[Figure]:
    try:
        from peerpath.surveys.models import Invitation, Survey
    except ImportError:
        return []
    open_count = Survey.objects.filter(run=run, status=Survey.Status.OPEN).count()
    invited = Invitation.objects.filter(survey__run=run).aggregate(
        n=Count("id"), answered=Count("id", filter=Q(responded=True))
    )
    return [
        Figure(
            "surveys",
            _("Open surveys"),
            str(open_count),
            _("response rate %(rate)s over all invitations")
            % {"rate": _percent(invited["answered"], invited["n"])},
            _url("surveys:run_surveys", run.slug),
        )
    ]


def _outbox_figures(run: Run) -> list[Figure]:
    try:
        from peerpath.messaging.selectors import outbox_counts
    except ImportError:
        return []
    counts = outbox_counts(run=run)
    return [
        Figure(
            "outbox",
            _("Messages waiting to go out"),
            str(counts.get("pending", 0)),
            _("%(sent)s sent, %(failed)s failed")
            % {"sent": counts.get("sent", 0), "failed": counts.get("failed", 0)},
            _url("messaging:run_outbox", run.slug),
        )
    ]


def run_list_visible(*, user) -> QuerySet[Run]:
    """The runs whose hub `user` may open (for lookups by slug)."""
    runs = Run.objects.select_related("course")
    if user.is_staff:
        return runs
    ids = RunRole.objects.filter(user=user, role__in=STAFF_ROLES).values("run_id")
    return runs.filter(pk__in=ids)
