"""Staff in a real browser: form groups (background task, progress), read the preview with its
quality report, try a move that breaks a rule (told at once), then make one that holds."""

import pytest

from peerpath.grouping.models import GroupMembership, StudyGroup
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENINGS = [d * 24 + h for d in range(5) for h in (17, 18, 19)]
MORNINGS = [d * 24 + h for d in range(5) for h in (6, 7)]


@pytest.fixture
def run():
    run = RunFactory(slug="groups-demo", title="Groups demo", timezone="UTC",
                     meeting_window_start=0, meeting_window_end=24)
    ActivityFactory(module=ModuleFactory(course=run.course, position=1))
    EnrolmentFactory(run=run, user=UserFactory(display_name="Flexible Fay"),
                     availability_utc=EVENINGS + MORNINGS)
    for i in range(7):
        EnrolmentFactory(run=run, user=UserFactory(display_name=f"Evening {i}"),
                         availability_utc=EVENINGS)
    for i in range(7):
        EnrolmentFactory(run=run, user=UserFactory(display_name=f"Morning {i}"),
                         availability_utc=MORNINGS)
    return run


def sign_in(page, live_server):
    StaffFactory(email="staff@example.org")
    page.goto(f"{live_server.url}/accounts/signin/")
    page.locator("#id_staff-email").fill("staff@example.org")
    page.locator("#id_staff-password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")


def test_staff_form_groups_read_the_preview_and_move_a_learner(page, live_server, run):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/groups/runs/{run.slug}/")
    page.get_by_role("button", name="Form groups").click()
    page.wait_for_load_state()
    assert "Groups formed" in page.locator("#grouping-job").inner_text()
    # the preview: quality report and both groups with their scores
    report = page.locator("section[aria-labelledby=report-title]")
    assert report.locator("[data-figure=hard]").inner_text().strip() == "0"
    assert report.locator("[data-figure=unassigned]").inner_text().strip() == "0 (0)"
    evening = StudyGroup.objects.get(run=run, hour_utc__in=EVENINGS)
    morning = StudyGroup.objects.get(run=run, hour_utc__in=MORNINGS)
    assert page.locator(f"#group-{evening.number} td").nth(3).inner_text() == "8"

    page.get_by_role("link", name=f"Group {evening.number}", exact=True).click()
    page.wait_for_load_state()
    # a move that breaks a hard rule is flagged as soon as the group is chosen
    row = page.get_by_role("row").filter(has_text="Evening 0")
    row.get_by_role("combobox").select_option(str(morning.number))
    alert = row.locator(".move-check.error")
    alert.wait_for()
    assert "cannot make the meeting hour" in alert.inner_text()
    # one that holds says so, and goes through
    row = page.get_by_role("row").filter(has_text="Flexible Fay")
    row.get_by_role("combobox").select_option(str(morning.number))
    row.locator(".move-check.ok").wait_for()
    row.get_by_role("button", name="Move").click()
    page.wait_for_load_state()
    assert "moved to group" in page.locator("main").inner_text()
    fay = GroupMembership.objects.get(enrolment__user__display_name="Flexible Fay")
    assert fay.group == morning
    assert evening.memberships.count() == 7 and morning.memberships.count() == 8
