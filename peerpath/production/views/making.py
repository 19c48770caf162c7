"""Posts from the proposal page's making sections: the course and pilot run, the development
plan and its milestones, feedback rounds and comments, and opening the public run.

Each view checks the proposal is visible, calls one service, and on a refusal shows the
proposal page again with the form and its error (400); on success it redirects back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.production import selectors, services
from peerpath.production.forms import (
    CommentForm,
    CourseLinkForm,
    FeedbackRoundForm,
    MilestoneForm,
    PlanForm,
    ResolveForm,
)
from peerpath.production.models import FeedbackComment, FeedbackRound, Milestone
from peerpath.production.services.planning import TEAM
from peerpath.production.views.common import form_error, proposal_for, render_detail


def _back(proposal, anchor: str = ""):
    response = redirect("production:proposal_detail", pk=proposal.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def course_link(request, pk: int):
    proposal = proposal_for(request.user, pk)
    form = CourseLinkForm(request.POST, proposal=proposal)
    if form.is_valid():
        course, run = form.cleaned_data["course"], form.cleaned_data["pilot_run"]
        try:
            if course is not None and course.pk != proposal.course_id:
                services.proposal_course_set(proposal=proposal, course=course, actor=request.user)
            if run is not None:
                services.proposal_pilot_run_set(proposal=proposal, run=run, actor=request.user)
            elif course is None:
                raise ApplicationError(_("Choose the course being produced."), field="course")
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Course and pilot run saved."))
            return _back(proposal, "course-h")
    return render_detail(request, proposal, status=400, course=form)


@login_required
@require_POST
def plan_create(request, pk: int):
    proposal = proposal_for(request.user, pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.development_plan_create(
                proposal=proposal, actor=request.user, start_on=form.cleaned_data["start_on"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The development plan is made."))
            return _back(proposal, "plan-h")
    return render_detail(request, proposal, status=400, plan=form)


def _milestone(request, pk: int, milestone_id: int):
    proposal = proposal_for(request.user, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_id, proposal=proposal)
    return proposal, milestone


@login_required
@require_POST
def milestone_reschedule(request, pk: int, milestone_id: int):
    proposal, milestone = _milestone(request, pk, milestone_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_reschedule(
                milestone=milestone, actor=request.user, due_on=form.cleaned_data["due_on"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is now due %(date)s.")
                % {"title": milestone.title, "date": milestone.due_on.isoformat()},
            )
            return _back(proposal, "plan-h")
    return render_detail(request, proposal, status=400, milestone=(milestone.pk, form))


@login_required
@require_POST
def milestone_done(request, pk: int, milestone_id: int):
    proposal, milestone = _milestone(request, pk, milestone_id)
    try:
        services.milestone_complete(milestone=milestone, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": milestone.title})
    return _back(proposal, "plan-h")


@login_required
@require_POST
def round_open(request, pk: int):
    proposal = proposal_for(request.user, pk)
    form = FeedbackRoundForm(request.POST, proposal=proposal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the round and its first comment, or neither
                feedback_round = services.feedback_round_open(
                    proposal=proposal,
                    reviewer=request.user,
                    target=data["target"],
                    module=data["module"],
                    title=data["title"],
                )
                services.feedback_comment_add(
                    round=feedback_round, author=request.user, body=data["body"]
                )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your feedback is shared with the team."))
            return _back(proposal, "feedback-h")
    return render_detail(request, proposal, status=400, round=form)


@login_required
@require_POST
def comment_add(request, pk: int, round_id: int):
    proposal = proposal_for(request.user, pk)
    feedback_round = get_object_or_404(FeedbackRound, pk=round_id, proposal=proposal)
    form = CommentForm(request.POST, prefix=f"c{feedback_round.pk}")
    if form.is_valid():
        try:
            services.feedback_comment_add(
                round=feedback_round, author=request.user, body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Comment added."))
            return _back(proposal, f"round-{feedback_round.pk}")
    return render_detail(request, proposal, status=400, comment=(feedback_round.pk, form))


@login_required
@require_POST
def comment_resolve(request, pk: int, comment_id: int):
    proposal = proposal_for(request.user, pk)
    comment = get_object_or_404(FeedbackComment, pk=comment_id, round__proposal=proposal)
    form = ResolveForm(request.POST, prefix=f"r{comment.pk}")
    if form.is_valid():
        try:
            services.feedback_comment_resolve(
                comment=comment, actor=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Comment resolved."))
            return _back(proposal, f"round-{comment.round_id}")
    return render_detail(request, proposal, status=400, resolve=(comment.pk, form))


@login_required
@require_POST
def run_open(request, pk: int, run_id: int):
    """The team opens the produced course's public run once the quality gate allows it."""
    proposal = proposal_for(request.user, pk)
    if not selectors.production_roles_for(user=request.user, proposal=proposal) & TEAM:
        raise Http404
    run = get_object_or_404(Run, pk=run_id, course_id=proposal.course_id, kind=Run.Kind.MOOC)
    try:
        services.run_open(run=run, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(run)s” is open for sign-up.") % {"run": run.title})
    return _back(proposal, "launch-h")
