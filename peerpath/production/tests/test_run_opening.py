"""The pilot gate wherever a run can be opened: the admin form, the admin action, the service;
and the periodic milestone-reminder task."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerpath.courses.models import Run
from peerpath.messaging.models import OutboxMessage
from peerpath.production import services, tasks
from peerpath.production.models import Milestone
from peerpath.production.tests.conftest import walk
from tests.factories import CourseFactory, RunFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _admin_data(course, **changes) -> dict:
    data = {
        "course": course.pk,
        "slug": "public-run",
        "title": "Wind energy for everyone",
        "kind": Run.Kind.MOOC,
        "status": Run.Status.OPEN,
        "pace": Run.Pace.COHORT,
        "starts_on": "2030-09-02",
        "timezone": "Europe/Copenhagen",
        "capacity": "",
        "invitation_code": "",
        "allowed_email_domains": "",
        "languages": "en",
        "grouping_rules": "{}",
        "meeting_window_start": 7,
        "meeting_window_end": 22,
        "meeting_minutes": 60,
        "video_url_template": "",
    }
    data.update(changes)
    return data


def test_adding_an_open_public_run_of_unpiloted_new_content_in_the_admin_is_refused(
    staff_client, course
):
    response = staff_client.post(reverse("admin:courses_run_add"), _admin_data(course))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "no production of this course is recorded" in errors["status"][0]
    assert not Run.objects.exists()


def test_a_draft_public_run_may_be_added_but_not_set_open_until_the_gate_passes(
    staff_client, people, proposal
):
    course = proposal.course
    add = staff_client.post(
        reverse("admin:courses_run_add"), _admin_data(course, status=Run.Status.DRAFT)
    )
    assert add.status_code == 302
    run = Run.objects.get(slug="public-run")
    change = reverse("admin:courses_run_change", args=[run.pk])
    walk(proposal, people, until="approve_pilot")
    for status in (Run.Status.OPEN, Run.Status.RUNNING):
        refused = staff_client.post(change, _admin_data(course, status=status))
        assert refused.status_code == 200
        message = refused.context["adminform"].form.errors["status"][0]
        assert message.endswith("the study board's launch approval is not recorded.")
        run.refresh_from_db()
        assert run.status == Run.Status.DRAFT
    services.proposal_transition(
        proposal=proposal, action="approve_launch", actor=people.study_board
    )
    assert staff_client.post(change, _admin_data(course)).status_code == 302
    run.refresh_from_db()
    assert run.status == Run.Status.OPEN


def test_making_a_private_run_public_or_moving_it_to_new_content_passes_the_gate(
    staff_client, course
):
    spoc = RunFactory(course=course, kind=Run.Kind.SPOC, status=Run.Status.RUNNING, slug="pilot")
    change = reverse("admin:courses_run_change", args=[spoc.pk])
    refused = staff_client.post(change, _admin_data(course, slug="pilot", kind=Run.Kind.MOOC))
    assert "status" in refused.context["adminform"].form.errors
    old = CourseFactory(new_content=False)
    live = RunFactory(course=old, kind=Run.Kind.MOOC, status=Run.Status.OPEN, slug="live")
    change = reverse("admin:courses_run_change", args=[live.pk])
    moved = staff_client.post(change, _admin_data(course, slug="live"))
    assert "status" in moved.context["adminform"].form.errors
    live.refresh_from_db()
    spoc.refresh_from_db()
    assert (live.course, spoc.kind) == (old, Run.Kind.SPOC)


def test_a_live_public_run_stays_editable_and_private_runs_open_freely(staff_client, course):
    old = CourseFactory(new_content=False)
    live = RunFactory(course=old, kind=Run.Kind.MOOC, status=Run.Status.OPEN, slug="live")
    change = reverse("admin:courses_run_change", args=[live.pk])
    assert (
        staff_client.post(change, _admin_data(old, slug="live", title="New title")).status_code
        == 302
    )
    add = staff_client.post(
        reverse("admin:courses_run_add"),
        _admin_data(course, slug="pilot", kind=Run.Kind.SPOC, status=Run.Status.OPEN),
    )
    assert add.status_code == 302


def test_the_admin_action_opens_the_runs_that_pass_and_names_the_ones_that_do_not(
    staff_client, course
):
    blocked = RunFactory(
        course=course, kind=Run.Kind.MOOC, status=Run.Status.DRAFT, title="Blocked"
    )
    free = RunFactory(
        course=CourseFactory(new_content=False), kind=Run.Kind.MOOC, status=Run.Status.DRAFT
    )
    response = staff_client.post(
        reverse("admin:courses_run_changelist"),
        {"action": "open_runs", "_selected_action": [blocked.pk, free.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Blocked: “" in page and "no production of this course is recorded" in page
    assert "1 run opened." in page
    blocked.refresh_from_db()
    free.refresh_from_db()
    assert (blocked.status, free.status) == (Run.Status.DRAFT, Run.Status.OPEN)


def test_the_change_check_leaves_closing_and_private_runs_alone(course):
    run = RunFactory(course=course, kind=Run.Kind.MOOC, status=Run.Status.CLOSED)
    services.run_change_check(run=run, previous=None)
    run.kind = Run.Kind.SPOC
    run.status = Run.Status.OPEN
    services.run_change_check(run=run, previous=None)


def test_the_hourly_task_plans_due_milestone_reminders_once(people, proposal):
    walk(proposal, people, until="plan")
    first = Milestone.objects.get(proposal=proposal, slug="learning_outcomes")
    week_before = dt.datetime.combine(first.due_on - dt.timedelta(days=7), dt.time(9), dt.UTC)
    with time_machine.travel(week_before, tick=False):
        result = tasks.plan_milestone_reminders.enqueue()
        assert result.return_value == 1
        assert tasks.plan_milestone_reminders.enqueue().return_value == 0
    assert OutboxMessage.objects.filter(kind="production_milestone_due").count() == 1
