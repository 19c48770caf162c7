"""The pure transition table: who may do what from which state, under which conditions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpath.production import workflow
from peerpath.production.workflow import Facts, Role, State, TransitionRefused, check, options

ALL_TRUE = Facts(
    proposal_complete=True,
    assessments=1,
    reasons_given=True,
    milestones_planned=True,
    pilot_run_linked=True,
    pilot_run_closed=True,
)
ALLOWED = {
    ("submit", Role.INSTRUCTOR),
    ("resubmit", Role.INSTRUCTOR),
    ("start_assessment", Role.COMMITTEE_MEMBER),
    ("approve", Role.COMMITTEE_MEMBER),
    ("request_revision", Role.COMMITTEE_MEMBER),
    ("reject", Role.COMMITTEE_MEMBER),
    ("board_approve", Role.STUDY_BOARD),
    ("sign_off", Role.HEAD_OF_DEPARTMENT),
    ("start_development", Role.INSTRUCTOR),
    ("start_development", Role.CONSULTANT),
    ("start_pilot", Role.INSTRUCTOR),
    ("start_pilot", Role.CONSULTANT),
    ("approve_pilot", Role.CONSULTANT),
    ("approve_pilot", Role.EXPERIENCED_COLLEAGUE),
    ("approve_launch", Role.STUDY_BOARD),
}


def test_the_table_has_the_documented_path_from_draft_to_launch():
    path = {(t.source, t.target) for t in workflow.TRANSITIONS}
    assert path == {
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.UNDER_ASSESSMENT),
        (State.UNDER_ASSESSMENT, State.REVISE),
        (State.REVISE, State.SUBMITTED),
        (State.UNDER_ASSESSMENT, State.REJECTED),
        (State.UNDER_ASSESSMENT, State.APPROVED_BY_COMMITTEE),
        (State.APPROVED_BY_COMMITTEE, State.BOARD_APPROVED),
        (State.BOARD_APPROVED, State.SIGNED_OFF),
        (State.SIGNED_OFF, State.IN_DEVELOPMENT),
        (State.IN_DEVELOPMENT, State.PILOTING),
        (State.PILOTING, State.READY_FOR_LAUNCH),
        (State.READY_FOR_LAUNCH, State.LAUNCHED),
    }


@pytest.mark.parametrize("action", workflow.ACTIONS)
@pytest.mark.parametrize("role", Role.ALL)
def test_every_role_may_trigger_exactly_its_own_transitions_from_their_source_state(action, role):
    transition = workflow.BY_ACTION[action]
    if (action, role) in ALLOWED:
        assert (
            check(state=transition.source, action=action, roles={role}, facts=ALL_TRUE).target
            == transition.target
        )
    else:
        with pytest.raises(TransitionRefused, match="Only a"):
            check(state=transition.source, action=action, roles={role}, facts=ALL_TRUE)


@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_no_transition_fires_from_any_state_but_its_source(action):
    transition = workflow.BY_ACTION[action]
    for state in State.ALL:
        if state == transition.source:
            continue
        with pytest.raises(TransitionRefused, match="is not possible while the proposal is"):
            check(state=state, action=action, roles=set(Role.ALL), facts=ALL_TRUE)


def test_final_states_have_no_way_out():
    for state in State.FINAL:
        assert options(state=state, roles=Role.ALL, facts=ALL_TRUE) == []


@pytest.mark.parametrize(
    ("action", "state", "facts", "message"),
    [
        ("submit", State.DRAFT, Facts(), "Fill in every required field"),
        ("approve", State.UNDER_ASSESSMENT, Facts(), "score every criterion"),
        ("reject", State.UNDER_ASSESSMENT, Facts(assessments=2), "Give the reasons"),
        ("request_revision", State.UNDER_ASSESSMENT, Facts(assessments=1), "Give the reasons"),
        ("start_development", State.SIGNED_OFF, Facts(), "development plan"),
        ("start_pilot", State.IN_DEVELOPMENT, Facts(), "pilot run"),
        ("approve_pilot", State.PILOTING, Facts(pilot_run_linked=True), "must be closed"),
    ],
)
def test_a_guard_that_does_not_hold_refuses_with_its_reason(action, state, facts, message):
    with pytest.raises(TransitionRefused, match=message):
        check(state=state, action=action, roles=set(Role.ALL), facts=facts)


def test_an_unknown_action_is_refused_by_name():
    with pytest.raises(TransitionRefused, match="no action called “fly”"):
        check(state=State.DRAFT, action="fly", roles=set(Role.ALL), facts=ALL_TRUE)


def test_options_list_what_the_actor_may_do_with_the_first_failing_guard():
    found = options(state=State.UNDER_ASSESSMENT, roles={Role.COMMITTEE_MEMBER}, facts=Facts())
    assert {o.transition.action for o in found} == {"approve", "request_revision", "reject"}
    assert all("score every criterion" in o.refusal for o in found)
    assert options(state=State.UNDER_ASSESSMENT, roles={Role.INSTRUCTOR}, facts=ALL_TRUE) == []


facts_strategy = st.builds(
    Facts,
    proposal_complete=st.booleans(),
    assessments=st.integers(0, 2),
    reasons_given=st.booleans(),
    milestones_planned=st.booleans(),
    pilot_run_linked=st.booleans(),
    pilot_run_closed=st.booleans(),
)
attempts = st.lists(
    st.tuples(
        st.sampled_from(workflow.ACTIONS), st.sets(st.sampled_from(Role.ALL)), facts_strategy
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(attempts)
def test_no_path_reaches_launched_without_board_approval_sign_off_and_a_closed_pilot(tries):
    state, visited, pilot_closed_when_approved = State.DRAFT, [State.DRAFT], False
    for action, roles, facts in tries:
        try:
            transition = check(state=state, action=action, roles=roles, facts=facts)
        except TransitionRefused:
            continue
        if action == "approve_pilot":
            pilot_closed_when_approved = facts.pilot_run_closed and facts.pilot_run_linked
        state = transition.target
        visited.append(state)
    assert state in State.ALL
    if state == State.LAUNCHED:
        for needed in (
            State.BOARD_APPROVED,
            State.SIGNED_OFF,
            State.PILOTING,
            State.READY_FOR_LAUNCH,
        ):
            assert needed in visited
        assert (
            visited.index(State.BOARD_APPROVED)
            < visited.index(State.SIGNED_OFF)
            < visited.index(State.PILOTING)
        )
        assert pilot_closed_when_approved


def test_the_gate_names_everything_missing_for_new_content_and_nothing_otherwise():
    gate = workflow.GateFacts
    assert workflow.gate_missing(gate(new_content=False, public=True)) == []
    assert workflow.gate_missing(gate(new_content=True, public=False)) == []
    assert len(workflow.gate_missing(gate(new_content=True, public=True))) == 1
    missing = workflow.gate_missing(
        gate(
            new_content=True,
            public=True,
            production_found=True,
            pilot_run="Pilot",
            pilot_run_closed=False,
        )
    )
    assert [m for m, _ in missing] == [
        "the pilot run “%(run)s” has not finished yet",
        "the pilot approval is not recorded",
        "the study board's launch approval is not recorded",
    ]
    complete = gate(
        new_content=True,
        public=True,
        production_found=True,
        pilot_run="Pilot",
        pilot_run_closed=True,
        pilot_approved=True,
        launch_approved=True,
    )
    assert workflow.gate_missing(complete) == []
