"""Development plans, milestone reminders and feedback rounds."""

import datetime as dt

import pytest

from peerpath.common.errors import ApplicationError
from peerpath.messaging.models import OutboxMessage
from peerpath.production import selectors, services
from peerpath.production.models import FeedbackRound, Milestone
from peerpath.production.tests.conftest import walk
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db
START = dt.date(2030, 1, 7)


@pytest.fixture
def planned(people, proposal):
    return walk(proposal, people, until="plan")


def test_the_plan_is_made_only_after_sign_off(people, proposal):
    walk(proposal, people, until="board_approve")
    with pytest.raises(ApplicationError, match="after the head of department's sign-off"):
        services.development_plan_create(proposal=proposal, actor=people.instructor, start_on=START)
    assert not Milestone.objects.exists()


def test_the_default_plan_dates_its_milestones_and_gives_the_pilot_to_the_consultant(
    people, planned
):
    milestones = list(selectors.milestone_list(proposal=planned))
    assert [m.slug for m in milestones][0] == "learning_outcomes"
    assert milestones[-1].slug == "launch"
    assert {m.owner for m in milestones if m.slug != "pilot"} == {people.instructor}
    assert next(m for m in milestones if m.slug == "pilot").owner == people.consultant
    with pytest.raises(ApplicationError, match="already has a development plan"):
        services.development_plan_create(proposal=planned, actor=people.instructor, start_on=START)


def test_overdue_milestones_are_found_for_a_given_day(planned):
    first = Milestone.objects.get(slug="learning_outcomes")
    assert selectors.milestone_list_overdue(today=first.due_on) == []
    assert selectors.milestone_list_overdue(today=first.due_on + dt.timedelta(days=1)) == [first]


def test_reminders_are_written_once_per_milestone_stage_and_due_date(people, planned):
    first = Milestone.objects.get(slug="learning_outcomes")
    week_before = first.due_on - dt.timedelta(days=7)
    assert services.milestone_reminders_plan(today=week_before) == 1
    assert services.milestone_reminders_plan(today=week_before) == 0
    assert services.milestone_reminders_plan(today=week_before + dt.timedelta(days=1)) == 0
    assert services.milestone_reminders_plan(today=first.due_on - dt.timedelta(days=1)) == 1
    rows = OutboxMessage.objects.filter(kind="production_milestone_due")
    assert {r.recipient for r in rows} == {people.instructor}
    assert rows.count() == 2


def test_a_slipped_milestone_tells_the_consultant_once_and_a_done_one_is_quiet(people, planned):
    first = Milestone.objects.get(slug="learning_outcomes")
    after = first.due_on + dt.timedelta(days=2)
    services.milestone_reminders_plan(today=after)
    services.milestone_reminders_plan(today=after + dt.timedelta(days=1))
    slipped = OutboxMessage.objects.filter(kind="production_milestone_slipped")
    assert [m.recipient for m in slipped] == [people.consultant]
    services.milestone_complete(milestone=first, actor=people.instructor)
    OutboxMessage.objects.all().delete()
    services.milestone_reminders_plan(today=after)
    assert not OutboxMessage.objects.filter(context__milestone=first.pk).exists()


def test_rescheduling_a_milestone_arms_its_reminders_again(people, planned):
    first = Milestone.objects.get(slug="learning_outcomes")
    services.milestone_reminders_plan(today=first.due_on + dt.timedelta(days=1))
    services.milestone_reschedule(
        milestone=first, actor=people.instructor, due_on=first.due_on + dt.timedelta(days=14)
    )
    services.milestone_reminders_plan(today=first.due_on + dt.timedelta(days=1))
    assert OutboxMessage.objects.filter(context__milestone=first.pk).count() == 2


def test_feedback_is_given_by_reviewers_and_resolved_by_the_team_with_history_kept(people, planned):
    module = ModuleFactory(course=planned.course)
    with pytest.raises(ApplicationError) as refused:
        services.feedback_round_open(
            proposal=planned, reviewer=people.consultant, target=FeedbackRound.Target.MODULE
        )
    assert refused.value.field == "module"
    with pytest.raises(ApplicationError, match="Only the consultant"):
        services.feedback_round_open(
            proposal=planned, reviewer=people.outsider, target=FeedbackRound.Target.PLAN
        )
    round = services.feedback_round_open(
        proposal=planned,
        reviewer=people.consultant,
        target=FeedbackRound.Target.MODULE,
        module=module,
    )
    comment = services.feedback_comment_add(
        round=round, author=people.consultant, body="Shorter videos, please."
    )
    with pytest.raises(ApplicationError, match="Only the production team"):
        services.feedback_comment_resolve(comment=comment, actor=people.consultant, resolution="x")
    services.feedback_comment_resolve(
        comment=comment, actor=people.instructor, resolution="Split into three."
    )
    with pytest.raises(ApplicationError, match="resolved already"):
        services.feedback_comment_resolve(
            comment=comment, actor=people.instructor, resolution="again"
        )
    history = selectors.feedback_history(proposal=planned)
    kept = history[0].comments.all()[0]
    assert (kept.body, kept.resolution, kept.resolved_by) == (
        "Shorter videos, please.",
        "Split into three.",
        people.instructor,
    )
