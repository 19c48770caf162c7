"""A learner signs up in a real browser, confirms by the link a real SMTP server received,
and lands on their home; staff read the outbox."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment
from tests.factories import ActivityFactory, ModuleFactory, RunFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_mail(smtp_server, count: int, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(smtp_server.received) >= count:
            return smtp_server.received
        time.sleep(0.1)
    raise AssertionError(
        f"expected {count} messages, the SMTP server got {len(smtp_server.received)}"
    )


@pytest.fixture
def run():
    run = RunFactory(
        slug="python-spring",
        title="Python together",
        timezone="UTC",
        kind=Run.Kind.MOOC,
        starts_on=timezone.now().date() + dt.timedelta(days=10),
        meeting_window_start=7,
        meeting_window_end=22,
    )
    for week in (1, 2):
        module = ModuleFactory(course=run.course, position=week, title=f"Topic {week}")
        ActivityFactory(module=module, title=f"Reading for week {week}")
    return run


def test_a_learner_signs_up_confirms_by_email_and_sees_their_home(
    page, live_server, run, smtp_server, tmp_path
):
    page.goto(f"{live_server.url}/runs/{run.slug}/")
    assert page.locator("h1").inner_text() == "Python together"
    # the browser's timezone was detected and chosen
    assert page.get_by_label("Your timezone").input_value() == "America/Chicago"
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("E-mail address").fill("ada@example.org")
    for label in ("Monday 18:00", "Monday 19:00", "Wednesday 18:00", "Wednesday 19:00"):
        page.get_by_role("checkbox", name=label, exact=True).check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert "e-mail" in page.locator("main").inner_text().lower()
    assert Enrolment.objects.get(user__email="ada@example.org").status == "pending"

    (confirmation,) = wait_for_mail(smtp_server, 1)
    assert confirmation.rcpt_tos == ["ada@example.org"]
    link = re.search(r"https?://\S+/runs/confirm/\S+/", confirmation.text).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Confirm my place").click()
    page.wait_for_url(f"{live_server.url}/")
    main = page.locator("main").inner_text()
    assert "Python together" in main
    assert "Week 1: Topic 1" in main
    assert "Reading for week 1" in main
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    enrolment = Enrolment.objects.get(user__email="ada@example.org")
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert enrolment.timezone == "America/Chicago"
    # Monday 18:00 in Chicago is Tuesday 00:00 UTC (winter) or Monday 23:00 UTC (summer)
    assert set(enrolment.availability_utc) & {23, 24}
    welcome = wait_for_mail(smtp_server, 2)[1]
    assert welcome.rcpt_tos == ["ada@example.org"]
    assert "Python together" in welcome.message["Subject"]


def test_bad_signup_input_is_shown_next_to_the_field_and_nothing_is_written(
    page, live_server, run, smtp_server
):
    page.goto(f"{live_server.url}/runs/{run.slug}/")
    page.get_by_label("Your name").fill("No Consent")
    page.get_by_label("E-mail address").fill("not-an-address")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    email_field = page.get_by_label("E-mail address")
    assert email_field.get_attribute("aria-invalid") == "true"
    text = page.locator("main").inner_text()
    assert "Enter a valid email address." in text
    assert "You must agree before you can sign up." in text
    assert not Enrolment.objects.exists()
    assert smtp_server.received == []


def test_staff_sign_in_with_a_password_and_read_the_outbox(page, live_server, run, smtp_server):
    StaffFactory(email="staff@example.org")
    page.goto(f"{live_server.url}/accounts/signin/")
    page.locator("#id_staff-email").fill("staff@example.org")
    page.locator("#id_staff-password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/messages/outbox/")
    assert page.locator("h1").inner_text() == "Outbox"
    page.goto(f"{live_server.url}/groups/runs/{run.slug}/")
    assert "Python together" in page.locator("h1").inner_text()
