"""Every person tries every transition against the database: only the roles the table allows
succeed; everyone else gets a clear refusal, and nothing changes (status, round, log,
decisions, outbox)."""

import pytest

from peerpath.common.errors import ApplicationError
from peerpath.messaging.models import OutboxMessage
from peerpath.production import services, workflow
from peerpath.production.models import Decision, Proposal, TransitionLog
from peerpath.production.tests.conftest import walk

pytestmark = pytest.mark.django_db

PREPARE = {  # the walk step after which the proposal is in the transition's source state
    "submit": None,
    "start_assessment": "submit",
    "approve": "assess",
    "request_revision": "assess",
    "reject": "assess",
    "resubmit": "assess",
    "board_approve": "approve",
    "sign_off": "board_approve",
    "start_development": "plan",
    "start_pilot": "pilot_run",
    "approve_pilot": "close_pilot",
    "approve_launch": "approve_pilot",
}
PEOPLE = [*workflow.Role.ALL, "outsider"]


def _snapshot(proposal: Proposal) -> tuple:
    proposal.refresh_from_db()
    return (
        proposal.status,
        proposal.round,
        TransitionLog.objects.count(),
        Decision.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_only_the_roles_in_the_table_may_take_each_transition(people, proposal, action):
    assert set(PREPARE) == set(workflow.ACTIONS)
    if PREPARE[action]:
        proposal = walk(proposal, people, until=PREPARE[action])
    if action == "resubmit":
        services.proposal_transition(
            proposal=proposal,
            action="request_revision",
            actor=people.committee_member,
            note="Sharpen the target audience.",
        )
    transition = workflow.BY_ACTION[action]
    assert _snapshot(proposal)[0] == transition.source
    allowed = [who for who in PEOPLE if who in transition.roles]
    assert allowed, action
    for who in PEOPLE:
        if who in transition.roles:
            continue
        before = _snapshot(proposal)
        with pytest.raises(ApplicationError) as refused:
            services.proposal_transition(
                proposal=proposal, action=action, actor=getattr(people, who), note="Because."
            )
        assert refused.value.message.startswith("Only a "), (who, refused.value.message)
        assert transition.label in refused.value.message
        assert _snapshot(proposal) == before, who
    services.proposal_transition(
        proposal=proposal, action=action, actor=getattr(people, allowed[0]), note="Because."
    )
    assert _snapshot(proposal)[0] == transition.target
