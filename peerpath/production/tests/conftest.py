"""People in every production role, a complete proposal, and a helper that walks the workflow."""

import datetime as dt
from types import SimpleNamespace

import pytest

from peerpath.courses.models import Run
from peerpath.production import services
from peerpath.production.models import AssessmentCriterion
from tests.factories import CourseFactory, RunFactory, UserFactory

COMPLETE = {
    "impact_potential": "Thousands of engineers need it.",
    "target_audience": "Practising engineers.",
    "overall_planning": "Six weeks, produced over spring.",
    "resources_committed": "0.5 FTE for a year and a teaching assistant.",
}


@pytest.fixture
def people(db):
    """One user per role; the instructor's role comes from proposing, the rest are site-wide."""
    names = [
        "instructor",
        "committee_member",
        "consultant",
        "experienced_colleague",
        "study_board",
        "head_of_department",
        "designer",
    ]
    found = {name: UserFactory(email=f"{name}@example.org") for name in names}
    for name, user in found.items():
        if name != "instructor":
            services.production_role_grant(user=user, role=name)
    found["outsider"] = UserFactory(email="outsider@example.org")
    return SimpleNamespace(**found)


@pytest.fixture
def course(db):
    return CourseFactory(new_content=True)


@pytest.fixture
def proposal(people, course):
    return services.proposal_create(
        proposer=people.instructor, topic="Wind energy", course=course, **COMPLETE
    )


def scores_for(*, score=4) -> dict:
    return {c.pk: (score, "Fine.") for c in AssessmentCriterion.objects.filter(active=True)}


def walk(proposal, people, *, until: str):
    """Drive `proposal` through the workflow the legitimate way until `until` is done."""
    steps = [
        ("submit", people.instructor),
        ("start_assessment", people.committee_member),
        ("assess", None),
        ("approve", people.committee_member),
        ("board_approve", people.study_board),
        ("sign_off", people.head_of_department),
        ("plan", None),
        ("start_development", people.instructor),
        ("pilot_run", None),
        ("start_pilot", people.consultant),
        ("close_pilot", None),
        ("approve_pilot", people.consultant),
        ("approve_launch", people.study_board),
    ]
    for action, actor in steps:
        if action == "assess":
            services.assessment_record(
                proposal=proposal, reviewer=people.committee_member, scores=scores_for()
            )
        elif action == "plan":
            services.development_plan_create(
                proposal=proposal, actor=people.instructor, start_on=dt.date(2030, 1, 7)
            )
        elif action == "pilot_run":
            run = RunFactory(course=proposal.course, kind=Run.Kind.SPOC, status=Run.Status.RUNNING)
            services.proposal_pilot_run_set(proposal=proposal, run=run, actor=people.instructor)
        elif action == "close_pilot":
            Run.objects.filter(pk=proposal.pilot_run_id).update(status=Run.Status.CLOSED)
        else:
            proposal = services.proposal_transition(proposal=proposal, action=action, actor=actor)
        if action == until:
            return proposal
    return proposal
