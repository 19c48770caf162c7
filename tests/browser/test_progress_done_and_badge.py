"""In Chromium: a learner marks the last activity done from the mail's one-click link, which
completes the course; the badge mail arrives through a real SMTP server and its verification
page says the credential is genuine."""

import re
import time

import pytest

from peerpath.messaging.services import outbox_deliver_due
from peerpath.progress.links import done_url
from peerpath.progress.models import Completion, RunCompletion
from peerpath.progress.services import completion_mark
from tests.factories import ActivityFactory, EnrolmentFactory, ModuleFactory, RunFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(smtp_server, subject_part: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp_server.received):
            if subject_part in str(received.message["Subject"]):
                return received.message
        time.sleep(0.1)
    raise AssertionError(f"no message with {subject_part!r} arrived")


def test_done_link_completes_the_course_and_the_badge_verifies(page, live_server, smtp_server):
    run = RunFactory(title="Statistics with friends", course__title="Statistics with friends")
    module = ModuleFactory(course=run.course, position=1, title="Averages")
    first = ActivityFactory(module=module, title="Read about the mean", position=1)
    last = ActivityFactory(module=module, title="Try the median", position=2)
    learner = EnrolmentFactory(run=run, user__display_name="Grace Hopper",
                               user__email="grace@example.org")
    completion_mark(enrolment=learner, activity=first)

    url = done_url(enrolment_id=learner.pk, activity_id=last.pk)
    page.goto(url)
    assert page.locator("h1").inner_text() == "Try the median"
    assert not Completion.objects.filter(activity=last).exists()  # opening changes nothing
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_load_state()
    assert "Marked as done" in page.locator("main").inner_text()
    assert RunCompletion.objects.filter(enrolment=learner).exists()

    page.goto(url)  # the link again: already done, nothing to press but "undo"
    assert page.locator("[data-done=yes]").count() == 1
    assert page.get_by_role("button", name="Mark as done").count() == 0

    page.goto(url[:-6] + "xxxxx/")
    assert "This link is not valid" in page.locator("main").inner_text()

    outbox_deliver_due()
    badge_mail = wait_for(smtp_server, "Your badge")
    body = badge_mail.get_body(preferencelist=("plain",)).get_content()
    verify_url = re.search(r"(http\S+/badges/[0-9a-f-]{36}/)", body).group(1)
    attachments = [part.get_filename() for part in badge_mail.iter_attachments()]
    assert any(name.endswith(".jwt") for name in attachments)
    page.goto(verify_url)
    assert page.locator("[data-status=valid]").count() == 1
    assert "Grace Hopper" in page.locator("main").inner_text()
