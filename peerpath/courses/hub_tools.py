"""The staff tools of a run that a person may open, section by section, on the run hub.

Every other app is imported lazily and is optional: a tool whose app or URL is missing is left
out, so the hub never breaks because one part is absent or changing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peerpath.accounts.access import access_run_manage, access_run_staff
from peerpath.accounts.models import RunRole
from peerpath.courses.hub import Tool, ToolSection, _url
from peerpath.courses.models import Run


def _board_access(user) -> bool:
    try:
        from peerpath.analytics.views import access_board
    except ImportError:
        return user.is_staff
    return access_board(user)


def run_tools(*, run: Run, user) -> list[ToolSection]:
    """The staff tools of `run` that `user` may open, by area. Tools for instructors (manage)
    are left out for facilitators and tutors; links whose app is missing are left out."""
    if not access_run_staff(user, run):
        return []
    manage = access_run_manage(user, run)
    is_facilitator = RunRole.objects.filter(
        run=run, user=user, role=RunRole.Role.FACILITATOR
    ).exists()

    def tool(label, name, *args, description="", allowed=True):
        url = _url(name, *args) if allowed else ""
        return Tool(label=str(label), url=url, description=str(description)) if url else None

    sections = [
        ToolSection(
            "learners",
            str(_("Learners and groups")),
            [
                tool(
                    _("Study groups"),
                    "grouping:staff_run",
                    run.slug,
                    description=_("Form, preview, move, lock and publish groups; late joiners"),
                ),
                tool(
                    _("Weekly repair"),
                    "grouping:staff_repair",
                    run.slug,
                    description=_("Thinned groups mended with as few moves as possible"),
                ),
                tool(
                    _("Import learners"),
                    "enrollment:import",
                    run.slug,
                    description=_("A CSV file of learners"),
                    allowed=user.is_staff,
                ),
                tool(
                    _("Sign-up page"),
                    "enrollment:signup",
                    run.slug,
                    description=_("What learners see when they join"),
                ),
            ],
        ),
        ToolSection(
            "meetings",
            str(_("Meetings and facilitators")),
            [
                tool(
                    _("Facilitator pool and visits"),
                    "meetings:facilitator_pool",
                    run.pk,
                    description=_("Who visits which group, and when"),
                    allowed=manage,
                ),
                tool(
                    _("My visits"),
                    "meetings:my_visits",
                    description=_("Your own visits and calendar feed"),
                    allowed=is_facilitator,
                ),
            ],
        ),
        ToolSection(
            "messages",
            str(_("Messages")),
            [
                tool(
                    _("Outbox of this run"),
                    "messaging:run_outbox",
                    run.slug,
                    description=_("Every message, its state and failures"),
                ),
                tool(
                    _("Message plan and templates"),
                    "messaging:run_plan",
                    run.slug,
                    description=_("What goes out when, in which local window"),
                ),
            ],
        ),
        ToolSection(
            "progress",
            str(_("Progress and follow-up")),
            [
                tool(
                    _("Completion"),
                    "run_progress",
                    run.pk,
                    description=_("Completion against enrolled and against active learners"),
                ),
                tool(
                    _("Follow-up queue"),
                    "followup:queue",
                    run.pk,
                    description=_("Learners at risk, to contact"),
                ),
                tool(
                    _("Follow-up evaluation"),
                    "followup:evaluation",
                    run.course_id,
                    description=_("Did contacted learners come back?"),
                ),
            ],
        ),
        ToolSection(
            "surveys",
            str(_("Surveys")),
            [
                tool(
                    _("Surveys"),
                    "surveys:run_surveys",
                    run.slug,
                    description=_("Open, remind, close and read the results"),
                ),
            ],
        ),
        ToolSection(
            "analytics",
            str(_("Analytics and reports")),
            [
                tool(
                    _("Run dashboard"),
                    "analytics:dashboard",
                    run.slug,
                    description=_("Enrolment, activity, funnel, attendance, surveys"),
                ),
                *[
                    tool(label, "analytics:export", run.slug, what, description=_("CSV export"))
                    for what, label in (
                        ("enrolments", _("Enrolments (CSV)")),
                        ("progress", _("Progress (CSV)")),
                        ("attendance", _("Attendance (CSV)")),
                        ("outcomes", _("Outcomes (CSV)")),
                    )
                ],
                tool(
                    _("Semester report"),
                    "analytics:semester_report",
                    description=_("The study board's report, HTML and PDF"),
                    allowed=_board_access(user),
                ),
            ],
        ),
        ToolSection(
            "admin",
            str(_("Administration")),
            [
                tool(
                    _("Edit this run"),
                    "admin:courses_run_change",
                    run.pk,
                    description=_("Dates, capacity, languages, meeting window"),
                    allowed=user.is_staff,
                ),
            ],
        ),
    ]
    for section in sections:
        section.tools = [t for t in section.tools if t is not None]
    # the meetings section always stays: the hub opens any group's page from it
    return [section for section in sections if section.tools or section.key == "meetings"]
