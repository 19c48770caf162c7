"""Production pages: the board, the proposal form, a proposal with its assessment and actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.common.errors import ApplicationError
from peerpath.production import plan, selectors, services, workflow
from peerpath.production.forms import AssessmentForm, ProposalForm
from peerpath.production.models import Proposal

NOTE_ACTIONS = {"approve", "request_revision", "reject"}


def _proposal_for(user, pk: int) -> Proposal:
    try:
        proposal = selectors.proposal_get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    if not selectors.access_proposal_view(user=user, proposal=proposal):
        raise Http404
    return proposal


def _form_error(form, error: ApplicationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def board(request):
    proposals = selectors.proposal_list_for(user=request.user)
    return render(
        request,
        "production/board.html",
        {"proposals": proposals, "everyone": selectors.access_board(user=request.user)},
    )


@login_required
def proposal_new(request):
    return _proposal_form(request, None)


@login_required
def proposal_edit(request, pk: int):
    proposal = _proposal_for(request.user, pk)
    roles = selectors.production_roles_for(user=request.user, proposal=proposal)
    if workflow.Role.INSTRUCTOR not in roles:
        raise Http404
    return _proposal_form(request, proposal)


def _proposal_form(request, proposal: Proposal | None):
    submitting = request.method == "POST" and request.POST.get("intent") == "submit"
    form = ProposalForm(
        request.POST or None, request.FILES or None, instance=proposal, submitting=submitting
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if proposal is None:
                proposal = services.proposal_create(
                    proposer=request.user, submit=submitting, **fields
                )
            else:
                proposal = services.proposal_update(
                    proposal=proposal, actor=request.user, submit=submitting, **fields
                )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Proposal submitted to the committee.") if submitting else _("Draft saved."),
            )
            return redirect("production:proposal_detail", pk=proposal.pk)
    return render(request, "production/proposal_form.html", {"form": form, "proposal": proposal})


@login_required
def proposal_detail(request, pk: int):
    proposal = _proposal_for(request.user, pk)
    return render(
        request, "production/proposal_detail.html", _detail_context(request, proposal, None)
    )


def _detail_context(request, proposal: Proposal, assessment_form) -> dict:
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
    can_assess = (
        workflow.Role.COMMITTEE_MEMBER in roles
        and proposal.status == Proposal.Status.UNDER_ASSESSMENT
    )
    if can_assess and assessment_form is None:
        mine = {
            a.criterion_id: a
            for a in selectors.assessment_list(proposal=proposal, round=proposal.round).filter(
                reviewer=request.user
            )
        }
        initial = {}
        for criterion_id, row in mine.items():
            initial[f"score_{criterion_id}"] = str(row.score)
            initial[f"comment_{criterion_id}"] = row.comment
        assessment_form = AssessmentForm(
            initial=initial, criteria=selectors.criterion_list_active()
        )
    today = timezone.localdate()
    milestones = [
        (
            m,
            plan.is_overdue(
                plan.MilestoneFacts(m.pk, m.due_on, m.done_at is not None), today=today
            ),
        )
        for m in selectors.milestone_list(proposal=proposal)
    ]
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
        "milestones": milestones,
        "feedback": selectors.feedback_history(proposal=proposal),
        "bookings": selectors.booking_list(proposal=proposal),
        "costs": selectors.booking_cost_summary(proposal=proposal),
        "attachments": proposal.attachments.all(),
    }


@login_required
@require_POST
def proposal_assess(request, pk: int):
    proposal = _proposal_for(request.user, pk)
    form = AssessmentForm(request.POST, criteria=selectors.criterion_list_active())
    if form.is_valid():
        try:
            services.assessment_record(
                proposal=proposal, reviewer=request.user, scores=form.scores()
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your assessment is saved."))
            return redirect("production:proposal_detail", pk=proposal.pk)
    context = _detail_context(request, proposal, form)
    if context["assessment_form"] is None:  # not a committee member, or not under assessment
        return render(request, "production/forbidden.html", status=403)
    return render(request, "production/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_act(request, pk: int, action: str):
    proposal = _proposal_for(request.user, pk)
    try:
        services.proposal_transition(
            proposal=proposal, action=action, actor=request.user, note=request.POST.get("note", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error) if not error.errors else error.message)
    else:
        messages.success(
            request,
            _("Done: the proposal is now %(status)s.")
            % {"status": selectors.proposal_get(pk=pk).get_status_display()},
        )
    return redirect("production:proposal_detail", pk=proposal.pk)
