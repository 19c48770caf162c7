"""Finding one's way in a real browser: an instructor goes from the menu to the run hub and on
into the run's tools; a learner goes from their home to their study group's page. Nobody types
an address after signing in."""

import datetime as dt

import pytest
from django.utils import timezone

from peerpath.accounts.models import RunRole
from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings.services import meeting_series_create
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    RunRoleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def person(**fields):
    user = UserFactory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def run():
    run = RunFactory(
        title="Python together",
        slug="python-together",
        status="running",
        timezone="Europe/Oslo",
        starts_on=timezone.now().date() - dt.timedelta(days=2),
    )
    for week in (1, 2, 3):
        ActivityFactory(module=ModuleFactory(course=run.course, position=week))
    group = StudyGroup.objects.create(
        run=run, number=3, language="en", hour_utc=3 * 24 + 17, status="published"
    )
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        user = person(display_name=name)
        GroupMembership.objects.create(
            group=group, enrolment=EnrolmentFactory(run=run, user=user, timezone="America/Chicago")
        )
    meeting_series_create(group=group)
    return run


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/signin/")
    page.locator("#id_staff-email").fill(email)
    page.locator("#id_staff-password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")


def menu(page):
    return page.get_by_role("navigation", name="Main")


def test_an_instructor_walks_from_the_menu_through_the_run_hub_into_the_tools(
    page, live_server, run
):
    instructor = person(email="teacher@uni.example", display_name="Terry Teacher")
    RunRoleFactory(run=run, user=instructor, role=RunRole.Role.INSTRUCTOR)
    sign_in(page, live_server, instructor.email)

    assert menu(page).get_by_role("link", name="Admin").count() == 0  # not site staff
    menu(page).get_by_role("link", name="My runs").click()
    page.wait_for_url(f"{live_server.url}/staff/runs/")
    assert page.locator("h1").inner_text() == "My runs"
    page.get_by_role("link", name="Python together").click()
    page.wait_for_url(f"{live_server.url}/staff/runs/{run.slug}/")
    hub = page.url
    assert page.locator("h1").inner_text() == "Python together"
    learners = page.locator("[data-figure=learners] .hub-figure-value").inner_text()
    assert learners.strip() == "3"

    walks = [
        ("Study groups", f"/groups/runs/{run.slug}/", "Python together"),
        ("Follow-up queue", f"/followup/run/{run.pk}/", "Follow-up: Python together"),
        ("Message plan and templates", f"/messages/runs/{run.slug}/plan/",
         "Message plan of Python together"),
        ("Surveys", f"/surveys/runs/{run.slug}/", "Surveys · Python together"),
        ("Run dashboard", f"/analytics/runs/{run.slug}/", "Dashboard · Python together"),
    ]  # fmt: skip
    for label, path, heading in walks:
        page.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"{live_server.url}{path}")
        assert page.locator("h1").first.inner_text() == heading, label
        page.go_back()
        page.wait_for_url(hub)


def test_a_learner_goes_from_home_to_their_group_page(page, live_server, run):
    sign_in(page, live_server, _email_of("Ada Lovelace"))

    nav = menu(page)
    assert nav.get_by_role("link", name="My courses").count() == 1
    for staff_only in ("My runs", "Productions", "Outbox", "Admin"):
        assert nav.get_by_role("link", name=staff_only).count() == 0, staff_only
    assert "(America/Chicago)" in page.locator("main").inner_text()  # meeting in own timezone

    page.get_by_role("link", name="Group 3: members, meetings, notes").click()
    page.wait_for_url(f"{live_server.url}/meetings/group/*/")
    assert page.locator("h1").first.inner_text() == "Study group 3"
    main = page.locator("main").inner_text()
    assert "Grace Hopper" in main and "Alan Turing" in main


def _email_of(name: str) -> str:
    from peerpath.accounts.models import User

    return User.objects.get(display_name=name).email
