"""The development plan (milestones and their reminders) and the feedback rounds on it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.messaging.services import outbox_enqueue_many
from peerpath.production import plan, selectors, workflow
from peerpath.production.models import FeedbackComment, FeedbackRound, Milestone, Proposal
from peerpath.production.services.proposals import audit_record

PLANNING_STATES = {
    Proposal.Status.SIGNED_OFF,
    Proposal.Status.IN_DEVELOPMENT,
    Proposal.Status.PILOTING,
    Proposal.Status.READY_FOR_LAUNCH,
}
TEAM = {workflow.Role.INSTRUCTOR, workflow.Role.CONSULTANT}
REVIEWERS = {workflow.Role.CONSULTANT, workflow.Role.EXPERIENCED_COLLEAGUE, workflow.Role.DESIGNER}


def _roles(proposal, user) -> set[str]:
    return selectors.production_roles_for(user=user, proposal=proposal)


def development_plan_create(*, proposal: Proposal, actor, start_on: dt.date) -> list[Milestone]:
    """Lay out the default milestones from `start_on`; owners: the proposer, or the consultant."""
    if not _roles(proposal, actor) & TEAM:
        raise ApplicationError(_("Only the proposal's instructors and consultant plan it."))
    if proposal.status not in PLANNING_STATES:
        raise ApplicationError(
            _(
                "A development plan is made after the head of department's sign-off; "
                "this proposal is %(status)s."
            )
            % {"status": proposal.get_status_display()}
        )
    consultants = selectors.consultants_of(proposal=proposal)
    with transaction.atomic():
        if Milestone.objects.select_for_update().filter(proposal=proposal).exists():
            raise ApplicationError(_("This proposal already has a development plan."))
        audit_record(
            proposal=proposal, action="plan_create", actor=actor, note=start_on.isoformat()
        )
        return [
            Milestone.objects.create(
                proposal=proposal,
                slug=item.slug,
                title=_(item.title),
                position=position,
                due_on=due_on,
                owner=consultants[0]
                if item.owner_role == "consultant" and consultants
                else proposal.proposer,
            )
            for position, (item, due_on) in enumerate(plan.planned_dates(start_on), start=1)
        ]


def milestone_reschedule(*, milestone: Milestone, actor, due_on: dt.date, owner=None) -> Milestone:
    if not _roles(milestone.proposal, actor) & TEAM:
        raise ApplicationError(_("Only the proposal's instructors and consultant change its plan."))
    if milestone.done_at is not None:
        raise ApplicationError(
            _("“%(title)s” is done already.") % {"title": milestone.title}, field="due_on"
        )
    note = f"{milestone.title}: {milestone.due_on.isoformat()} → {due_on.isoformat()}"
    with transaction.atomic():
        milestone.due_on = due_on
        if owner is not None:
            milestone.owner = owner
        milestone.save(update_fields=["due_on", "owner", "updated_at"])
        audit_record(proposal=milestone.proposal, action="milestone_move", actor=actor, note=note)
    return milestone


def milestone_complete(*, milestone: Milestone, actor) -> Milestone:
    if not _roles(milestone.proposal, actor) & TEAM and actor.pk != milestone.owner_id:
        raise ApplicationError(_("Only the milestone's owner or the team may mark it done."))
    if milestone.done_at is None:
        with transaction.atomic():
            milestone.done_at = timezone.now()
            milestone.save(update_fields=["done_at", "updated_at"])
            audit_record(
                proposal=milestone.proposal,
                action="milestone_done",
                actor=actor,
                note=milestone.title,
            )
    return milestone


def milestone_reminders_plan(*, today: dt.date) -> int:
    """Queue the reminders due by `today`; returns how many rows were new.

    Owners hear 7 and 1 days before a due date; consultants hear when a milestone slips.
    Each reminder's key is unique per milestone, stage and due date, so running this many
    times a day (or catching up after a missed day) writes every reminder once.
    """
    milestones = list(
        Milestone.objects.filter(
            done_at__isnull=True,
            proposal__status__in=PLANNING_STATES,
            due_on__lte=today + dt.timedelta(days=max(plan.REMINDER_LEAD_DAYS)),
        ).select_related("proposal__proposer", "owner")
    )
    by_id = {m.pk: m for m in milestones}
    facts = [plan.MilestoneFacts(m.pk, m.due_on, False) for m in milestones]
    rows = []
    for reminder in plan.reminders(facts, today=today):
        milestone = by_id[reminder.milestone_id]
        if reminder.to_consultant:
            recipients = selectors.consultants_of(proposal=milestone.proposal) or [
                milestone.proposal.proposer
            ]
            kind = "production_milestone_slipped"
        else:
            recipients, kind = [milestone.owner], "production_milestone_due"
        rows += [
            {
                "key": f"{reminder.key}:{person.pk}",
                "kind": kind,
                "recipient": person,
                "context": {"milestone": milestone.pk, "due_on": milestone.due_on.isoformat()},
            }
            for person in recipients
        ]
    with transaction.atomic():
        return outbox_enqueue_many(rows)


def feedback_round_open(
    *, proposal: Proposal, reviewer, target: str, module=None, title: str = ""
) -> FeedbackRound:
    """A reviewer (consultant, experienced colleague, designer) starts a round of comments."""
    if not _roles(proposal, reviewer) & REVIEWERS:
        raise ApplicationError(
            _(
                "Only the consultant, an experienced colleague or a designer "
                "gives feedback on a production."
            )
        )
    if target not in FeedbackRound.Target.values:
        raise ApplicationError(_("Say what the feedback is about."), field="target")
    if target == FeedbackRound.Target.MODULE:
        if module is None or proposal.course_id is None or module.course_id != proposal.course_id:
            raise ApplicationError(
                _("Choose a module of the course being produced."), field="module"
            )
    else:
        module = None
    return FeedbackRound.objects.create(
        proposal=proposal, reviewer=reviewer, target=target, module=module, title=title.strip()
    )


def feedback_comment_add(*, round: FeedbackRound, author, body: str) -> FeedbackComment:
    """Reviewers, the team and, in a production programme, the producing group's members."""
    proposal = round.proposal
    if not _roles(proposal, author) & (REVIEWERS | TEAM) and not (
        selectors.programme_group_member(user=author, group=proposal.programme_group)
    ):
        raise ApplicationError(_("Only the reviewers and the team comment on a production."))
    if not body.strip():
        raise ApplicationError(_("Write the comment."), field="body")
    return FeedbackComment.objects.create(round=round, author=author, body=body.strip())


def feedback_comment_resolve(
    *, comment: FeedbackComment, actor, resolution: str
) -> FeedbackComment:
    """The team says how a comment was dealt with; the comment and its resolution are kept."""
    if workflow.Role.INSTRUCTOR not in _roles(comment.round.proposal, actor):
        raise ApplicationError(_("Only the production team resolves comments."))
    if not resolution.strip():
        raise ApplicationError(_("Say how the comment was resolved."), field="resolution")
    with transaction.atomic():
        comment = FeedbackComment.objects.select_for_update().get(pk=comment.pk)
        if comment.resolved_at is not None:
            raise ApplicationError(_("This comment is resolved already."))
        comment.resolved_at = timezone.now()
        comment.resolved_by = actor
        comment.resolution = resolution.strip()
        comment.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
        audit_record(
            proposal=comment.round.proposal,
            action="comment_resolve",
            actor=actor,
            note=comment.resolution,
        )
    return comment
