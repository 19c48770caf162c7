"""The quality gate on opening public runs, and the study board's semester reviews."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.production import selectors, workflow
from peerpath.production.models import Proposal, SemesterReview, TransitionLog
from peerpath.production.services.proposals import audit_record

SEMESTER = re.compile(r"^\d{4}-(spring|summer|autumn|winter)$")


def _gate_facts(run: Run) -> workflow.GateFacts:
    course = run.course
    proposal = (
        Proposal.objects.filter(course=course)
        .exclude(status=Proposal.Status.REJECTED)
        .select_related("pilot_run")
        .order_by("-created_at")
        .first()
    )
    if proposal is None:
        return workflow.GateFacts(new_content=course.new_content, public=run.kind == Run.Kind.MOOC)
    pilot = proposal.pilot_run
    pilot_ok = pilot is not None and pilot.kind == Run.Kind.SPOC and pilot.course_id == course.pk
    actions = set(TransitionLog.objects.filter(proposal=proposal).values_list("action", flat=True))
    return workflow.GateFacts(
        new_content=course.new_content,
        public=run.kind == Run.Kind.MOOC,
        production_found=True,
        pilot_run=pilot.title if pilot_ok else "",
        pilot_run_closed=pilot_ok and pilot.status == Run.Status.CLOSED,
        pilot_approved="approve_pilot" in actions,
        launch_approved="approve_launch" in actions,
    )


def run_open_check(*, run: Run) -> None:
    """Refuse, saying everything that is missing, to open a public run of new content unpiloted."""
    missing = workflow.gate_missing(_gate_facts(run))
    if missing:
        reasons = [_(message) % params if params else _(message) for message, params in missing]
        raise ApplicationError(
            _("“%(course)s” has new content, so its public run cannot open yet: %(reasons)s.")
            % {"course": run.course.title, "reasons": "; ".join(reasons)},
            errors=[(run.slug, reason) for reason in reasons],
        )


LIVE = (Run.Status.OPEN, Run.Status.RUNNING)


def _public_and_live(run: Run) -> bool:
    return run.kind == Run.Kind.MOOC and run.status in LIVE


def run_change_check(*, run: Run, previous: Run | None) -> None:
    """Refuse a save of `run` that would open a public run past the quality gate.

    A save opens a public run when the run is (or becomes) an open MOOC and was not one of
    the same course before: a new open run, a draft or closed run set open or running, a
    private run made public, or a live run moved to another course. Other edits of a run that
    is live already pass, so a launched run stays editable.
    """
    if not _public_and_live(run):
        return
    if previous is not None and _public_and_live(previous) and previous.course_id == run.course_id:
        return
    run_open_check(run=run)


def run_open(*, run: Run, actor=None) -> Run:
    """Open a draft run for sign-up once the quality gate allows it; with `actor`, the
    opening is logged on the course's production, if it has one."""
    with transaction.atomic():
        run = Run.objects.select_for_update().select_related("course").get(pk=run.pk)
        if run.status != Run.Status.DRAFT:
            raise ApplicationError(
                _("Only a draft run can be opened; “%(run)s” is %(status)s.")
                % {"run": run.title, "status": run.get_status_display()},
                field="status",
            )
        run_open_check(run=run)
        run.status = Run.Status.OPEN
        run.save(update_fields=["status", "updated_at"])
        production = (
            Proposal.objects.filter(course=run.course)
            .exclude(status=Proposal.Status.REJECTED)
            .order_by("-created_at")
            .first()
        )
        if actor is not None and production is not None:
            audit_record(proposal=production, action="run_open", actor=actor, note=run.title)
    return run


def semester_review_record(
    *, course, semester: str, decision: str, reviewer, notes: str = "", follow_up: str = ""
) -> SemesterReview:
    """The study board records its review of a launched course's semester."""
    if workflow.Role.STUDY_BOARD not in selectors.production_roles_site(user=reviewer):
        raise ApplicationError(_("Only the study board records semester reviews."))
    semester = semester.strip().lower()
    if not SEMESTER.match(semester):
        raise ApplicationError(
            _("Write the semester as year-season, for example 2025-autumn."), field="semester"
        )
    if decision not in SemesterReview.Outcome.values:
        raise ApplicationError(_("Choose a decision."), field="decision")
    if decision == SemesterReview.Outcome.REVISE and not follow_up.strip():
        raise ApplicationError(_("Name the follow-up actions."), field="follow_up")
    launched = course.runs.filter(kind=Run.Kind.MOOC).exclude(status=Run.Status.DRAFT).exists()
    if not launched:
        raise ApplicationError(
            _("“%(course)s” has not been launched, so it has no semester to review.")
            % {"course": course.title},
            field="course",
        )
    try:
        with transaction.atomic():
            return SemesterReview.objects.create(
                course=course,
                semester=semester,
                decision=decision,
                notes=notes.strip(),
                follow_up=follow_up.strip(),
                reviewed_by=reviewer,
            )
    except IntegrityError:
        raise ApplicationError(
            _("The %(semester)s review of this course is recorded already.")
            % {"semester": semester},
            field="semester",
        ) from None
