"""Message kinds caused by production: submissions, status changes, milestone reminders."""

from django.conf import settings
from django.urls import reverse

from peerpath.messaging.registry import register


def _proposal_url(proposal_id: int) -> str:
    return settings.SITE_URL + reverse("production:proposal_detail", args=[proposal_id])


@register("production_proposal_submitted", "A course proposal awaits the committee")
def build_proposal_submitted(message) -> dict:
    from peerpath.production.models import Proposal

    proposal = Proposal.objects.select_related("proposer").get(pk=message.context["proposal"])
    return {"proposal": proposal, "url": _proposal_url(proposal.pk)}


@register("production_status_changed", "A course proposal moved on in the workflow")
def build_status_changed(message) -> dict:
    from peerpath.production.models import TransitionLog

    entry = TransitionLog.objects.select_related("proposal", "actor").get(pk=message.context["log"])
    return {
        "proposal": entry.proposal,
        "entry": entry,
        "status": entry.proposal.Status(entry.to_state).label,
        "url": _proposal_url(entry.proposal_id),
    }


def _milestone_context(message) -> dict:
    from peerpath.production.models import Milestone

    milestone = Milestone.objects.select_related("proposal", "owner").get(
        pk=message.context["milestone"]
    )
    return {
        "milestone": milestone,
        "proposal": milestone.proposal,
        "due_on": message.context["due_on"],
        "url": _proposal_url(milestone.proposal_id),
    }


@register("production_milestone_due", "A production milestone is due soon")
def build_milestone_due(message) -> dict:
    return _milestone_context(message)


@register("production_milestone_slipped", "A production milestone is overdue")
def build_milestone_slipped(message) -> dict:
    return _milestone_context(message)
