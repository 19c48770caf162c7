"""In Chromium: a tutor works the follow-up queue that the daily risk scores built. The quiet
learner comes first with the reasons, the tutor records a contact and sees its effect once the
learner is active again, a bad snooze date is refused with nothing saved, and a snoozed case
leaves the queue until its day."""

import datetime as dt

import pytest
from django.utils import timezone

from peerpath.followup.models import Contact, FollowUpCase
from peerpath.progress.models import RiskScore
from peerpath.progress.risk_service import run_risk_scores_update
from peerpath.progress.services import completion_mark
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def run_with_learners():
    today = timezone.localdate()
    run = RunFactory(
        title="Data for teachers", timezone="UTC", starts_on=today - dt.timedelta(days=22)
    )
    activities = [
        ActivityFactory(
            module=ModuleFactory(course=run.course, position=week),
            position=1,
            title=f"Week {week} reading",
        )
        for week in (1, 2, 3)
    ]
    quiet = EnrolmentFactory(run=run, user__display_name="Quiet Quentin")
    busy = EnrolmentFactory(run=run, user__display_name="Busy Beatrice")
    for activity in activities:
        completion_mark(enrolment=busy, activity=activity)
    return run, activities, quiet, busy


def sign_in(page, live_server):
    StaffFactory(email="tutor@example.org")
    page.goto(f"{live_server.url}/accounts/signin/")
    page.locator("#id_staff-email").fill("tutor@example.org")
    page.locator("#id_staff-password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")


def test_tutor_contacts_the_quiet_learner_sees_the_effect_and_snoozes_a_case(
    page, live_server, run_with_learners
):
    run, activities, quiet, busy = run_with_learners
    assert run_risk_scores_update(run=run) == 2
    quiet_score = RiskScore.objects.get(enrolment=quiet).score
    busy_score = RiskScore.objects.get(enrolment=busy).score
    assert quiet_score > busy_score

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/followup/run/{run.pk}/?show=queue&min=0")
    rows = page.locator("tbody tr[data-enrolment]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-enrolment") == str(quiet.pk)  # highest risk first
    first = rows.nth(0).inner_text()
    assert "Quiet Quentin" in first and "0 activities done so far" in first

    # record a contact on the quiet learner's case
    rows.nth(0).get_by_role("link", name="Quiet Quentin").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Quiet Quentin"
    assert "0 activities done so far" in page.locator("#risk + ul").inner_text()
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("Outcome").select_option("needs_help")
    page.get_by_label("Note").fill("Busy at work; will catch up at the weekend")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"{live_server.url}/followup/run/{run.pk}/")
    contact = Contact.objects.get()
    assert (contact.channel, contact.outcome) == ("phone", "needs_help")
    row = page.locator(f"tr[data-enrolment='{quiet.pk}']")
    assert "Phone, Reached; needs help" in row.inner_text()
    assert row.locator("td[data-effect]").get_attribute("data-effect") == "quiet"

    # the learner comes back: the queue shows the effect of the contact
    completion_mark(enrolment=quiet, activity=activities[0])
    page.reload()
    row = page.locator(f"tr[data-enrolment='{quiet.pk}']")
    assert row.locator("td[data-effect]").get_attribute("data-effect") == "back"
    assert "Came back" in row.inner_text()
    assert "Of 1 learners contacted, 1 were active again" in page.locator("main").inner_text()

    # a snooze without a date is refused on the page and nothing is saved
    page.goto(f"{live_server.url}/followup/learner/{busy.pk}/")
    page.get_by_role("button", name="Snooze").click()  # the browser blocks an empty date
    assert page.locator("#id_until").evaluate("e => e.validity.valueMissing")
    page.locator("#id_until").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Snooze").click()
    page.wait_for_load_state()
    assert "This field is required" in page.locator("main").inner_text()
    assert not FollowUpCase.objects.filter(enrolment=busy).exists()

    # a real snooze: the case leaves the queue and is listed under "Snoozed"
    until = timezone.localdate() + dt.timedelta(days=7)
    page.locator("#id_until").fill(until.isoformat())
    page.get_by_role("button", name="Snooze").click()
    page.wait_for_url(f"{live_server.url}/followup/run/{run.pk}/")
    case = FollowUpCase.objects.get(enrolment=busy)
    assert case.status == FollowUpCase.Status.SNOOZED and case.snoozed_until == until
    page.goto(f"{live_server.url}/followup/run/{run.pk}/?show=queue&min=0")
    assert page.locator(f"tr[data-enrolment='{busy.pk}']").count() == 0
    page.get_by_role("link", name="Snoozed").click()
    page.wait_for_load_state()
    assert page.locator(f"tr[data-enrolment='{busy.pk}']").count() == 1
