"""Production pages: the board, the proposal form, a proposal with its assessment and actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.common.errors import ApplicationError
from peerpath.grouping.models import StudyGroup
from peerpath.production import selectors, services, workflow
from peerpath.production.forms import AssessmentForm, ProposalForm
from peerpath.production.models import Proposal
from peerpath.production.views.common import form_error, proposal_for, render_detail


@login_required
def board(request):
    proposals = selectors.proposal_list_for(user=request.user)
    return render(
        request,
        "production/board.html",
        {"proposals": proposals, "everyone": selectors.access_board(user=request.user)},
    )


def _programme_group(request) -> StudyGroup | None:
    """The programme group named by ?group=, when the user is a member of it."""
    raw = request.GET.get("group") or request.POST.get("programme_group") or ""
    if not raw.isdigit():
        return None
    group = StudyGroup.objects.filter(pk=int(raw)).select_related("run").first()
    if group is None or not selectors.programme_group_member(user=request.user, group=group):
        raise Http404
    return group


@login_required
def proposal_new(request):
    return _proposal_form(request, None, _programme_group(request))


@login_required
def proposal_edit(request, pk: int):
    proposal = proposal_for(request.user, pk)
    roles = selectors.production_roles_for(user=request.user, proposal=proposal)
    if workflow.Role.INSTRUCTOR not in roles:
        raise Http404
    return _proposal_form(request, proposal, None)


def _proposal_form(request, proposal: Proposal | None, group: StudyGroup | None):
    submitting = request.method == "POST" and request.POST.get("intent") == "submit"
    form = ProposalForm(
        request.POST or None, request.FILES or None, instance=proposal, submitting=submitting
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if proposal is None:
                proposal = services.proposal_create(
                    proposer=request.user, submit=submitting, programme_group=group, **fields
                )
            else:
                proposal = services.proposal_update(
                    proposal=proposal, actor=request.user, submit=submitting, **fields
                )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Proposal submitted to the committee.") if submitting else _("Draft saved."),
            )
            return redirect("production:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "production/proposal_form.html",
        {"form": form, "proposal": proposal, "group": group},
    )


@login_required
def proposal_detail(request, pk: int):
    return render_detail(request, proposal_for(request.user, pk))


@login_required
@require_POST
def proposal_assess(request, pk: int):
    proposal = proposal_for(request.user, pk)
    form = AssessmentForm(request.POST, criteria=selectors.criterion_list_active())
    if form.is_valid():
        try:
            services.assessment_record(
                proposal=proposal, reviewer=request.user, scores=form.scores()
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your assessment is saved."))
            return redirect("production:proposal_detail", pk=proposal.pk)
    roles = selectors.production_roles_for(user=request.user, proposal=proposal)
    if (
        workflow.Role.COMMITTEE_MEMBER not in roles
        or proposal.status != Proposal.Status.UNDER_ASSESSMENT
    ):
        return render(request, "production/forbidden.html", status=403)
    return render_detail(request, proposal, status=400, assessment=form)


@login_required
@require_POST
def proposal_act(request, pk: int, action: str):
    proposal = proposal_for(request.user, pk)
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
