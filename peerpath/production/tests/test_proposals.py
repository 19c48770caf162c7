"""Proposals through the workflow: assessment, decisions, approvals, the audit trail."""

import pytest
from django.db.models import F

from peerpath.common.errors import ApplicationError
from peerpath.messaging.models import OutboxMessage
from peerpath.production import services
from peerpath.production.models import (
    Assessment,
    AssessmentCriterion,
    Decision,
    Proposal,
    TransitionLog,
)
from peerpath.production.tests.conftest import scores_for, walk

pytestmark = pytest.mark.django_db


def test_the_default_criteria_are_seeded_by_migration():
    assert list(AssessmentCriterion.objects.values_list("slug", flat=True)) == [
        "unique-topic-or-research",
        "teacher-pedagogy-or-research",
        "resources-allocated",
    ]


def test_an_incomplete_draft_cannot_be_submitted_and_the_refusal_names_the_fields(people):
    draft = services.proposal_create(proposer=people.instructor, topic="Only a topic")
    with pytest.raises(ApplicationError) as refused:
        services.proposal_transition(proposal=draft, action="submit", actor=people.instructor)
    assert refused.value.field == "impact_potential"
    assert "target audience" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.DRAFT and draft.round == 0
    assert not TransitionLog.objects.exists()


def test_submitting_tells_the_committee_and_logs_who_and_when(people, proposal):
    proposal = services.proposal_transition(
        proposal=proposal, action="submit", actor=people.instructor
    )
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.round == 1
    entry = TransitionLog.objects.get()
    assert (entry.actor, entry.from_state, entry.to_state) == (
        people.instructor,
        "draft",
        "submitted",
    )
    assert (
        OutboxMessage.objects.filter(
            kind="production_proposal_submitted", recipient=people.committee_member
        ).count()
        == 1
    )


def test_a_role_not_in_the_table_is_refused_clearly_and_nothing_changes(people, proposal):
    walk(proposal, people, until="submit")
    for actor in (people.instructor, people.study_board, people.outsider):
        with pytest.raises(ApplicationError, match="Only a committee member may do"):
            services.proposal_transition(proposal=proposal, action="start_assessment", actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert TransitionLog.objects.count() == 1


def test_committee_members_score_every_criterion_from_one_to_five(people, proposal):
    walk(proposal, people, until="start_assessment")
    scores = scores_for()
    first = next(iter(scores))
    scores[first] = (7, "")
    with pytest.raises(ApplicationError) as refused:
        services.assessment_record(
            proposal=proposal, reviewer=people.committee_member, scores=scores
        )
    assert refused.value.field == f"score_{first}"
    assert not Assessment.objects.exists()
    services.assessment_record(
        proposal=proposal, reviewer=people.committee_member, scores=scores_for(score=3)
    )
    services.assessment_record(
        proposal=proposal, reviewer=people.committee_member, scores=scores_for(score=5)
    )
    assert sorted(Assessment.objects.values_list("score", flat=True)) == [5, 5, 5]


def test_only_committee_members_assess_and_never_their_own_proposal(people, proposal):
    walk(proposal, people, until="start_assessment")
    services.production_role_grant(user=people.instructor, role="committee_member")
    for reviewer in (people.instructor, people.consultant, people.outsider):
        with pytest.raises(ApplicationError, match="Only steering committee members"):
            services.assessment_record(proposal=proposal, reviewer=reviewer, scores=scores_for())
    assert not Assessment.objects.exists()


def test_no_decision_before_a_complete_assessment(people, proposal):
    walk(proposal, people, until="start_assessment")
    with pytest.raises(ApplicationError, match="score every criterion"):
        services.proposal_transition(
            proposal=proposal, action="approve", actor=people.committee_member
        )


def test_rejecting_needs_reasons_and_records_the_decision(people, proposal):
    walk(proposal, people, until="assess")
    with pytest.raises(ApplicationError) as refused:
        services.proposal_transition(
            proposal=proposal, action="reject", actor=people.committee_member, note="  "
        )
    assert refused.value.field == "note"
    proposal = services.proposal_transition(
        proposal=proposal,
        action="reject",
        actor=people.committee_member,
        note="Not unique enough.",
    )
    assert proposal.status == Proposal.Status.REJECTED
    decision = Decision.objects.get()
    assert (decision.outcome, decision.reasons, decision.decided_by) == (
        "reject",
        "Not unique enough.",
        people.committee_member,
    )
    assert OutboxMessage.objects.filter(
        kind="production_status_changed", recipient=people.instructor
    ).exists()


def test_revise_and_resubmit_opens_a_new_round_that_needs_new_scores(people, proposal):
    walk(proposal, people, until="assess")
    services.proposal_transition(
        proposal=proposal,
        action="request_revision",
        actor=people.committee_member,
        note="Plan the budget.",
    )
    proposal = services.proposal_update(
        proposal=proposal,
        actor=people.instructor,
        resources_committed="A full budget.",
        submit=True,
    )
    assert (proposal.status, proposal.round) == (Proposal.Status.SUBMITTED, 2)
    services.proposal_transition(
        proposal=proposal, action="start_assessment", actor=people.committee_member
    )
    with pytest.raises(ApplicationError, match="score every criterion"):
        services.proposal_transition(
            proposal=proposal, action="approve", actor=people.committee_member
        )


def test_a_submitted_proposal_cannot_be_edited(people, proposal):
    walk(proposal, people, until="submit")
    with pytest.raises(ApplicationError, match="only as a draft"):
        services.proposal_update(proposal=proposal, actor=people.instructor, topic="Changed")


def test_board_approval_and_sign_off_are_recorded_with_who_and_when(people, proposal):
    proposal = walk(proposal, people, until="sign_off")
    assert proposal.status == Proposal.Status.SIGNED_OFF
    log = {e.action: e for e in TransitionLog.objects.all()}
    assert log["board_approve"].actor == people.study_board
    assert log["sign_off"].actor == people.head_of_department
    assert log["board_approve"].at <= log["sign_off"].at


def test_the_whole_path_reaches_launched(people, proposal):
    proposal = walk(proposal, people, until="approve_launch")
    assert proposal.status == Proposal.Status.LAUNCHED
    transitions = TransitionLog.objects.exclude(from_state=F("to_state"))
    assert list(transitions.values_list("action", flat=True)) == [
        "submit",
        "start_assessment",
        "approve",
        "board_approve",
        "sign_off",
        "start_development",
        "start_pilot",
        "approve_pilot",
        "approve_launch",
    ]


def test_every_decision_on_the_way_is_in_the_audit_trail_with_who(people, proposal):
    walk(proposal, people, until="approve_launch")
    decisions = {
        action: actor
        for action, actor in TransitionLog.objects.filter(from_state=F("to_state")).values_list(
            "action", "actor__email"
        )
    }
    assert decisions == {
        "assess": people.committee_member.email,
        "plan_create": people.instructor.email,
        "pilot_run_set": people.instructor.email,
    }
    assess = TransitionLog.objects.get(action="assess")
    assert assess.note.count(": 4") == 3 and assess.from_state == "under_assessment"


def test_the_transition_log_is_append_only(people, proposal):
    walk(proposal, people, until="submit")
    entry = TransitionLog.objects.get()
    entry.note = "rewritten"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()


def test_a_pilot_run_must_be_a_private_run_of_the_course(people, proposal):
    from peerpath.courses.models import Run
    from tests.factories import RunFactory

    walk(proposal, people, until="start_development")
    for run in (
        RunFactory(course=proposal.course, kind=Run.Kind.MOOC),
        RunFactory(kind=Run.Kind.SPOC),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.proposal_pilot_run_set(proposal=proposal, run=run, actor=people.instructor)
        assert refused.value.field == "pilot_run"
    with pytest.raises(ApplicationError, match="Link a private"):
        services.proposal_transition(
            proposal=proposal, action="start_pilot", actor=people.instructor
        )
