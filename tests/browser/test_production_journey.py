"""The making side in a real browser: a proposal goes from the instructor's form through the
committee's assessment, the study board and the head of department, a development plan, a
private pilot run and the quality gate, to the opening of the public run."""

from importlib import import_module

import pytest
from django.db.models import F
from django.test import Client

from peerpath.courses.models import Run
from peerpath.production import services
from peerpath.production.models import AssessmentCriterion, Milestone, Proposal, TransitionLog
from tests.factories import CourseFactory, RunFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed_default_criteria():
    """A transactional test before this one flushes the rows the data migration seeded."""
    seeded = import_module("peerpath.production.migrations.0002_default_criteria")
    for position, (slug, title, description) in enumerate(seeded.DEFAULTS, start=1):
        AssessmentCriterion.objects.get_or_create(
            slug=slug, defaults={"title": title, "description": description, "position": position}
        )


def sign_in(page, live_server, user):
    """Start a session for `user` (signing in itself is tested elsewhere) in the browser."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def press(page, name: str):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def status_of(page) -> str:
    return page.locator("main .badge").first.inner_text()


def test_a_course_goes_from_proposal_to_a_piloted_public_launch(page, live_server):
    seed_default_criteria()
    people = {
        role: UserFactory(email=f"{role}@dtu.example", display_name=role.replace("_", " ").title())
        for role in (
            "instructor",
            "committee_member",
            "consultant",
            "study_board",
            "head_of_department",
        )
    }
    for role, user in people.items():
        if role != "instructor":
            services.production_role_grant(user=user, role=role)
    course = CourseFactory(title="Wind energy", new_content=True)
    pilot = RunFactory(
        course=course, title="Wind energy pilot", kind=Run.Kind.SPOC, status=Run.Status.RUNNING
    )
    public = RunFactory(
        course=course, title="Wind energy MOOC", kind=Run.Kind.MOOC, status=Run.Status.DRAFT
    )
    base = live_server.url

    # 1. the instructor writes and submits the proposal
    sign_in(page, live_server, people["instructor"])
    page.goto(f"{base}/production/proposals/new/")
    page.get_by_label("Topic").fill("Wind energy")
    page.get_by_role("button", name="Submit to the committee").click()
    page.wait_for_load_state()
    assert "This field is required to submit the proposal." in page.locator("main").inner_text()
    page.get_by_label("Impact potential").fill("Engineers worldwide need it.")
    page.get_by_label("Target audience").fill("Practising engineers.")
    page.get_by_label("Overall planning").fill("Six weeks, produced over spring.")
    page.get_by_label("Resources the department commits").fill("0.5 FTE and a teaching assistant.")
    page.get_by_role("button", name="Submit to the committee").click()
    page.wait_for_url(f"{base}/production/proposals/*/")
    assert status_of(page) == "Submitted"
    proposal = Proposal.objects.get()
    detail = f"{base}/production/proposals/{proposal.pk}/"

    # 2. a committee member assesses on the criteria and approves with reasons
    sign_in(page, live_server, people["committee_member"])
    page.goto(detail)
    press(page, "Start the assessment")
    assert page.get_by_role("button", name="Approve").is_disabled()
    scores = page.locator("select[name^=score_]")
    for index in range(scores.count()):
        scores.nth(index).select_option("4")
    press(page, "Save assessment")
    page.get_by_label("Reasons").first.fill("Unique topic, strong research environment.")
    press(page, "Approve")
    assert status_of(page) == "Approved by committee"

    # 3. the study board approves and the head of department signs off
    sign_in(page, live_server, people["study_board"])
    page.goto(detail)
    press(page, "Record the study board's approval")
    sign_in(page, live_server, people["head_of_department"])
    page.goto(detail)
    press(page, "Sign off as head of department")
    assert status_of(page) == "Signed off"

    # 4. the instructor names the course and its pilot run, plans and starts development
    sign_in(page, live_server, people["instructor"])
    page.goto(detail)
    page.get_by_label("Course being produced").select_option(label="Wind energy")
    page.get_by_label("Pilot run (a private run with a test group)").select_option(
        label="Wind energy pilot"
    )
    press(page, "Save course and pilot run")
    page.get_by_label("Development starts on").fill("2030-01-07")
    press(page, "Make the development plan")
    plan = page.locator("#plan-h + table, section[aria-labelledby=plan-h] table").first
    assert "Learning outcomes" in plan.inner_text() and "Public launch" in plan.inner_text()
    page.get_by_role("button", name="Mark Learning outcomes done").click()
    page.wait_for_load_state()
    assert Milestone.objects.get(slug="learning_outcomes").done_at is not None
    press(page, "Start development")
    press(page, "Start the pilot")
    assert status_of(page) == "Piloting"

    # 5. while the pilot runs, opening the public run in the admin is refused with the reason
    sign_in(page, live_server, StaffFactory())
    page.goto(f"{base}/admin/courses/run/{pilot.pk}/change/")
    page.locator("#id_status").select_option("closed")  # the pilot run has finished
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/admin/courses/run/{public.pk}/change/")
    page.locator("#id_status").select_option("open")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    refusal = page.locator(".errorlist").first.inner_text()
    assert "the pilot approval is not recorded" in refusal
    assert "the study board's launch approval is not recorded" in refusal
    public.refresh_from_db()
    assert public.status == Run.Status.DRAFT

    # 6. the consultant approves the pilot, the study board the launch
    sign_in(page, live_server, people["consultant"])
    page.goto(detail)
    press(page, "Approve the pilot")
    assert status_of(page) == "Ready for launch"
    sign_in(page, live_server, people["instructor"])
    page.goto(detail)
    launch = page.locator("section[aria-labelledby=launch-h]").inner_text()
    assert "the study board's launch approval is not recorded" in launch
    sign_in(page, live_server, people["study_board"])
    page.goto(detail)
    press(page, "Approve the public launch")
    assert status_of(page) == "Launched"

    # 7. the instructor opens the public run; the history keeps who did what
    sign_in(page, live_server, people["instructor"])
    page.goto(detail)
    press(page, "Open “Wind energy MOOC” for sign-up")
    assert "is open for sign-up" in page.locator("main").inner_text()
    public.refresh_from_db()
    assert public.status == Run.Status.OPEN
    history = page.locator("#history-h + ol").inner_text()
    for who, action in (
        ("Instructor", "submit"),
        ("Committee Member", "approve"),
        ("Study Board", "board_approve"),
        ("Head Of Department", "sign_off"),
        ("Consultant", "approve_pilot"),
        ("Study Board", "approve_launch"),
    ):
        assert f"{who} · {action} (" in history
    for entry in (
        "Instructor · plan_create: 2030-01-07",
        "Instructor · milestone_done: Learning outcomes",
        "Instructor · pilot_run_set: Wind energy pilot",
        "Instructor · run_open: Wind energy MOOC",
    ):
        assert entry in history
    transitions = TransitionLog.objects.filter(proposal=proposal).exclude(from_state=F("to_state"))
    assert transitions.count() == 9
