"""Helpers shared by the production pages: finding a proposal the user may see, form errors,
and the proposal page's context with a form per section (bound when a post failed)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.production import plan, selectors, workflow
from peerpath.production.forms import (
    AssessmentForm,
    CommentForm,
    CourseLinkForm,
    FeedbackRoundForm,
    MilestoneForm,
    PlanForm,
    ResolveForm,
)
from peerpath.production.models import Proposal
from peerpath.production.services.planning import PLANNING_STATES, REVIEWERS, TEAM

NOTE_ACTIONS = {"approve", "request_revision", "reject"}
LAUNCH_STATES = {Proposal.Status.READY_FOR_LAUNCH, Proposal.Status.LAUNCHED}


def proposal_for(user, pk: int) -> Proposal:
    """The proposal if `user` may see it; 404 otherwise, so its existence is not revealed."""
    try:
        proposal = selectors.proposal_get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    if not selectors.access_proposal_view(user=user, proposal=proposal):
        raise Http404
    return proposal


def form_error(form, error: ApplicationError) -> None:
    """Put a service's refusal on the form, on the field it names when the form has it."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    for where, what in error.errors:
        if where in form.fields and where != field:
            form.add_error(where, what)


def _launch_runs(proposal: Proposal) -> list[dict]:
    """The course's public draft runs, each with what the quality gate still misses."""
    from peerpath.production.services import run_open_check

    if proposal.course_id is None:
        return []
    found = []
    for run in proposal.course.runs.filter(kind=Run.Kind.MOOC).order_by("starts_on"):
        missing = ""
        if run.status == Run.Status.DRAFT:
            try:
                run_open_check(run=run)
            except ApplicationError as error:
                missing = error.message
        found.append({"run": run, "missing": missing})
    return found


def detail_context(request, proposal: Proposal, **bound) -> dict:
    """Everything the proposal page shows; `bound` holds a failed post's form by section:
    assessment, course, plan, milestone (id, form), round, comment (id, form), resolve (id, form).
    """
    roles = selectors.production_roles_for(user=request.user, proposal=proposal)
    facts = selectors.proposal_facts(proposal=proposal, note="reasons are asked on the form")
    actions = [
        {
            "action": option.transition.action,
            "label": _(option.transition.label),
            "refusal": _(option.refusal) if option.refusal else "",
            "needs_note": option.transition.action in NOTE_ACTIONS,
        }
        for option in workflow.options(state=proposal.status, roles=roles, facts=facts)
    ]
    team = bool(roles & TEAM)
    can_assess = (
        workflow.Role.COMMITTEE_MEMBER in roles
        and proposal.status == Proposal.Status.UNDER_ASSESSMENT
    )
    assessment_form = bound.get("assessment")
    if can_assess and assessment_form is None:
        mine = selectors.assessment_list(proposal=proposal, round=proposal.round).filter(
            reviewer=request.user
        )
        initial = {}
        for row in mine:
            initial[f"score_{row.criterion_id}"] = str(row.score)
            initial[f"comment_{row.criterion_id}"] = row.comment
        assessment_form = AssessmentForm(
            initial=initial, criteria=selectors.criterion_list_active()
        )
    today = timezone.localdate()
    milestone_id, milestone_form = bound.get("milestone", (None, None))
    milestones = [
        {
            "m": m,
            "overdue": plan.is_overdue(
                plan.MilestoneFacts(m.pk, m.due_on, m.done_at is not None), today=today
            ),
            "can_done": m.done_at is None and (team or m.owner_id == request.user.pk),
            "form": (milestone_form if m.pk == milestone_id else None)
            or (MilestoneForm(initial={"due_on": m.due_on}) if team and not m.done_at else None),
        }
        for m in selectors.milestone_list(proposal=proposal)
    ]
    peer = selectors.programme_group_member(user=request.user, group=proposal.programme_group)
    can_comment = bool(roles & (REVIEWERS | TEAM)) or peer
    comment_id, comment_form = bound.get("comment", (None, None))
    resolve_id, resolve_form = bound.get("resolve", (None, None))
    rounds = []
    for feedback_round in selectors.feedback_history(proposal=proposal):
        comments = [
            {
                "c": c,
                "form": (resolve_form if c.pk == resolve_id else None)
                or (
                    ResolveForm(prefix=f"r{c.pk}")
                    if c.resolved_at is None and workflow.Role.INSTRUCTOR in roles
                    else None
                ),
            }
            for c in feedback_round.comments.all()
        ]
        form = (comment_form if feedback_round.pk == comment_id else None) or (
            CommentForm(prefix=f"c{feedback_round.pk}") if can_comment else None
        )
        rounds.append({"round": feedback_round, "comments": comments, "form": form})
    has_plan = bool(milestones)
    return {
        "proposal": proposal,
        "roles": sorted(roles),
        "actions": actions,
        "can_edit": workflow.Role.INSTRUCTOR in roles
        and proposal.status in (Proposal.Status.DRAFT, Proposal.Status.REVISE),
        "assessment_form": assessment_form if can_assess else None,
        "assessments": selectors.assessment_list(proposal=proposal),
        "decisions": proposal.decisions.select_related("decided_by"),
        "log": selectors.transition_log(proposal=proposal),
        "course_form": bound.get("course") or (CourseLinkForm(proposal=proposal) if team else None),
        "plan_form": bound.get("plan")
        or (PlanForm() if team and not has_plan and proposal.status in PLANNING_STATES else None),
        "milestones": milestones,
        "round_form": bound.get("round")
        or (FeedbackRoundForm(proposal=proposal) if roles & REVIEWERS else None),
        "feedback": rounds,
        "bookings": selectors.booking_list(proposal=proposal),
        "costs": selectors.booking_cost_summary(proposal=proposal),
        "can_book": bool(roles & {*TEAM, workflow.Role.DESIGNER}),
        "attachments": proposal.attachments.all(),
        "launch_runs": _launch_runs(proposal) if team and proposal.status in LAUNCH_STATES else [],
    }


def render_detail(request, proposal: Proposal, *, status: int = 200, **bound):
    return render(
        request,
        "production/proposal_detail.html",
        detail_context(request, proposal, **bound),
        status=status,
    )
