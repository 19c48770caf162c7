"""Proposals from draft to launch: writing them, assessing them, moving them through the workflow.

Every status change goes through `proposal_transition`, which asks the pure table in
`workflow.py`, writes the transition log (and the committee's decision), and queues the
notifications in the same transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.messaging.services import outbox_enqueue
from peerpath.production import selectors, workflow
from peerpath.production.models import (
    Assessment,
    Decision,
    ProductionRole,
    Proposal,
    ProposalAttachment,
    TransitionLog,
)

EDITABLE_FIELDS = (
    "topic",
    "impact_potential",
    "target_audience",
    "overall_planning",
    "resources_committed",
    "basis",
    "based_on",
    "course",
)
EDITABLE_STATES = {Proposal.Status.DRAFT, Proposal.Status.REVISE}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def production_role_grant(*, user, role: str, proposal: Proposal | None = None) -> ProductionRole:
    if role not in ProductionRole.Role.values:
        raise ApplicationError(
            _("Unknown production role “%(role)s”.") % {"role": role}, field="role"
        )
    granted, _created = ProductionRole.objects.get_or_create(
        user=user, role=role, proposal=proposal
    )
    return granted


def audit_record(*, proposal: Proposal, action: str, actor, note: str = "") -> TransitionLog:
    """Record a decision that does not move the proposal's status (a plan made, a milestone
    moved, a pilot run named, a run opened...) in the same append-only log as transitions."""
    return TransitionLog.objects.create(
        proposal=proposal,
        action=action,
        from_state=proposal.status,
        to_state=proposal.status,
        actor=actor,
        note=note,
    )


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be set: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    if "topic" in fields and not str(fields["topic"] or "").strip():
        raise ApplicationError(_("Give the proposal a topic."), field="topic")
    if fields.get("basis", Proposal.Basis.NEW) not in Proposal.Basis.values:
        raise ApplicationError(_("Choose a new or an existing course."), field="basis")


def proposal_create(
    *,
    proposer,
    topic: str,
    co_instructors=(),
    attachments=(),
    submit: bool = False,
    programme_group=None,
    **fields,
) -> Proposal:
    """Save a new draft (and with `submit`, submit it: both or neither are written).

    `attachments` are uploaded files, each stored with the proposal; `programme_group` is the
    production programme group (one the proposer is a member of) that produces the course.
    """
    fields["topic"] = topic
    _check_fields(fields)
    with transaction.atomic():
        proposal = Proposal.objects.create(proposer=proposer, **fields)
        proposal.co_instructors.set([u for u in co_instructors if u.pk != proposer.pk])
        if programme_group is not None:
            from peerpath.production.services.programme import proposal_programme_group_set

            proposal_programme_group_set(proposal=proposal, group=programme_group, actor=proposer)
        for upload in attachments:
            proposal_attachment_add(proposal=proposal, actor=proposer, file=upload)
        if submit:
            proposal = proposal_transition(proposal=proposal, action="submit", actor=proposer)
    return proposal


def _require_instructor(proposal: Proposal, actor) -> None:
    if workflow.Role.INSTRUCTOR not in selectors.production_roles_for(
        user=actor, proposal=proposal
    ):
        raise ApplicationError(_("Only the proposal's instructors may change it."))


def proposal_update(
    *,
    proposal: Proposal,
    actor,
    co_instructors=None,
    attachments=(),
    submit: bool = False,
    **fields,
) -> Proposal:
    """Change a draft (or a proposal sent back for revision), add attachments, and with
    `submit` (re)submit it, all in one transaction."""
    _check_fields(fields)
    _require_instructor(proposal, actor)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in EDITABLE_STATES:
            raise ApplicationError(
                _(
                    "A proposal can be changed only as a draft or when sent back for revision; "
                    "this one is %(status)s."
                )
                % {"status": proposal.get_status_display()}
            )
        for name, value in fields.items():
            setattr(proposal, name, value)
        proposal.save()
        if co_instructors is not None:
            proposal.co_instructors.set([u for u in co_instructors if u.pk != proposal.proposer_id])
        for upload in attachments:
            proposal_attachment_add(proposal=proposal, actor=actor, file=upload)
        if submit:
            action = "submit" if proposal.status == Proposal.Status.DRAFT else "resubmit"
            proposal = proposal_transition(proposal=proposal, action=action, actor=actor)
    return proposal


def proposal_attachment_add(
    *, proposal: Proposal, actor, file, title: str = ""
) -> ProposalAttachment:
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ApplicationError(
            _("The file “%(name)s” is larger than 20 MB.") % {"name": file.name}, field="attachment"
        )
    return ProposalAttachment.objects.create(
        proposal=proposal, file=file, title=title or file.name, uploaded_by=actor
    )


def _refusal(proposal: Proposal, error: workflow.TransitionRefused) -> ApplicationError:
    message = _(error.message) % error.params if error.params else _(error.message)
    if error.message == workflow.PROPOSAL_COMPLETE.refusal:
        missing = proposal.missing_for_submission()
        return ApplicationError(
            message,
            field=missing[0] if missing else None,
            errors=[
                (str(Proposal._meta.get_field(name).verbose_name), _("This field is required."))
                for name in missing
            ],
        )
    if error.message == workflow.REASONS.refusal:
        return ApplicationError(message, field="note")
    return ApplicationError(message)


def proposal_transition(*, proposal: Proposal, action: str, actor, note: str = "") -> Proposal:
    """Move the proposal by `action` if the table allows it to `actor` now; else nothing changes."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        roles = selectors.production_roles_for(user=actor, proposal=locked)
        facts = selectors.proposal_facts(proposal=locked, note=note)
        try:
            transition = workflow.check(
                state=locked.status, action=action, roles=roles, facts=facts
            )
        except workflow.TransitionRefused as error:
            raise _refusal(locked, error) from None
        from_state = locked.status
        locked.status = transition.target
        if action in ("submit", "resubmit"):
            locked.round += 1
        locked.save(update_fields=["status", "round", "updated_at"])
        entry = TransitionLog.objects.create(
            proposal=locked,
            action=action,
            from_state=from_state,
            to_state=transition.target,
            actor=actor,
            note=note.strip(),
        )
        if transition.decision:
            Decision.objects.create(
                proposal=locked,
                round=locked.round,
                outcome=transition.decision,
                reasons=note.strip(),
                decided_by=actor,
            )
        _notify(locked, entry)
    proposal.status, proposal.round = locked.status, locked.round
    return locked


def _notify(proposal: Proposal, entry: TransitionLog) -> None:
    team = [proposal.proposer, *proposal.co_instructors.all()]
    for person in team:
        if person.pk != entry.actor_id:
            outbox_enqueue(
                key=f"production-transition:{entry.pk}:{person.pk}",
                kind="production_status_changed",
                recipient=person,
                context={"log": entry.pk},
            )
    if entry.to_state == Proposal.Status.SUBMITTED:
        for member in selectors.committee_members():
            outbox_enqueue(
                key=f"production-submitted:{proposal.pk}:{proposal.round}:{member.pk}",
                kind="production_proposal_submitted",
                recipient=member,
                context={"proposal": proposal.pk},
            )


def assessment_record(*, proposal: Proposal, reviewer, scores: dict) -> list[Assessment]:
    """Record one reviewer's scores for this round: `scores` maps criterion id → (score, comment).

    Every active criterion must be scored 1–5; a second call replaces the reviewer's scores.
    """
    roles = selectors.production_roles_for(user=reviewer, proposal=proposal)
    if workflow.Role.COMMITTEE_MEMBER not in roles:
        raise ApplicationError(
            _("Only steering committee members may assess a proposal, and not their own.")
        )
    errors = []
    rows = []
    for criterion in selectors.criterion_list_active():
        score, comment = scores.get(criterion.pk, (None, ""))
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        if score is None or not 1 <= score <= 5:
            errors.append(
                (
                    f"score_{criterion.pk}",
                    _("%(criterion)s: give a score from 1 to 5.") % {"criterion": criterion.title},
                )
            )
            continue
        rows.append((criterion, score, (comment or "").strip()))
    if errors:
        raise ApplicationError(
            _("Score every criterion from 1 to 5."), field=errors[0][0], errors=errors
        )
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.Status.UNDER_ASSESSMENT:
            raise ApplicationError(
                _("Proposals are scored while under assessment; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        saved = [
            Assessment.objects.update_or_create(
                proposal=locked,
                round=locked.round,
                reviewer=reviewer,
                criterion=criterion,
                defaults={"score": score, "comment": comment},
            )[0]
            for criterion, score, comment in rows
        ]
        audit_record(
            proposal=locked,
            action="assess",
            actor=reviewer,
            note=", ".join(f"{criterion.title}: {score}" for criterion, score, _c in rows),
        )
    return saved


def proposal_course_set(*, proposal: Proposal, course, actor) -> Proposal:
    """Name the course being produced (its runs become the pilot and the public launch)."""
    _require_team(proposal, actor)
    with transaction.atomic():
        proposal.course = course
        proposal.save(update_fields=["course", "updated_at"])
        audit_record(proposal=proposal, action="course_set", actor=actor, note=course.title)
    return proposal


def proposal_pilot_run_set(*, proposal: Proposal, run: Run, actor) -> Proposal:
    _require_team(proposal, actor)
    if proposal.course_id is None or run.course_id != proposal.course_id:
        raise ApplicationError(
            _("The pilot run must be a run of the course being produced."), field="pilot_run"
        )
    if run.kind != Run.Kind.SPOC:
        raise ApplicationError(
            _("The pilot run must be a private (SPOC) run with a test group."), field="pilot_run"
        )
    with transaction.atomic():
        proposal.pilot_run = run
        proposal.save(update_fields=["pilot_run", "updated_at"])
        audit_record(proposal=proposal, action="pilot_run_set", actor=actor, note=run.title)
    return proposal


def _require_team(proposal: Proposal, actor) -> None:
    roles = selectors.production_roles_for(user=actor, proposal=proposal)
    if not roles & {workflow.Role.INSTRUCTOR, workflow.Role.CONSULTANT}:
        raise ApplicationError(_("Only the proposal's instructors and consultant may do this."))
