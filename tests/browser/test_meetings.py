"""The discussion leader records attendance in a real browser, from the link in the message a
real SMTP server on loopback received after the meeting; the used link is then refused."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from peerpath.grouping.models import GroupMembership, StudyGroup
from peerpath.meetings import services
from peerpath.meetings.models import Attendance, Meeting
from peerpath.messaging.services import outbox_deliver_due
from tests.factories import EnrolmentFactory, ModuleFactory, RunFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_mail(smtp_server, count: int, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(smtp_server.received) >= count:
            return smtp_server.received
        outbox_deliver_due()
        time.sleep(0.1)
    raise AssertionError(f"expected {count} messages, got {len(smtp_server.received)}")


@pytest.fixture
def held_meeting():
    """A group of three whose week-1 meeting ended an hour ago."""
    now = timezone.now()
    run = RunFactory(
        title="Python together", starts_on=now.date() - dt.timedelta(days=3), timezone="Europe/Oslo"
    )
    for week in (1, 2):
        ModuleFactory(course=run.course, position=week, title=f"Topic {week}")
    group = StudyGroup.objects.create(run=run, number=1, language="en", hour_utc=24 + 17)
    names = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    for index, name in enumerate(names):
        user = UserFactory(email=f"m{index}@example.org", display_name=name)
        GroupMembership.objects.create(group=group, enrolment=EnrolmentFactory(run=run, user=user))
    services.meeting_series_create(group=group, now=now - dt.timedelta(days=10))
    meeting = Meeting.objects.select_related("leader__user").get(group=group, week=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1)
    )
    return meeting


def test_the_leader_records_attendance_from_the_mailed_link(
    page, live_server, smtp_server, held_meeting
):
    assert services.meeting_attendance_requests_plan() == 1
    (mail,) = wait_for_mail(smtp_server, 1)
    assert mail.rcpt_tos == [held_meeting.leader.user.email]
    assert "Who came to study group 1 in week 1?" in mail.message["Subject"]
    link = re.search(r"https?://\S+/meetings/attendance/\S+/", mail.text).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    assert page.locator("h1").inner_text() == "Who came?"
    page.get_by_label("Ada Lovelace").check()
    page.get_by_label("Alan Turing").check()
    page.get_by_label("A one-line note (optional)").fill("We compared our loops")
    page.get_by_role("button", name="Record attendance").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Attendance recorded"
    assert "2 of 3" in page.locator("main").inner_text()

    present = set(
        Attendance.objects.filter(meeting=held_meeting, present=True).values_list(
            "enrolment__user__display_name", flat=True
        )
    )
    assert present == {"Ada Lovelace", "Alan Turing"}
    assert Attendance.objects.filter(meeting=held_meeting, present=False).count() == 1
    held_meeting.refresh_from_db()
    assert held_meeting.note == "We compared our loops"
    assert held_meeting.attendance_recorded_by == held_meeting.leader.user

    page.goto(link)  # the link works once
    assert page.locator("h1").inner_text() == "This link was already used"
    assert Attendance.objects.filter(meeting=held_meeting, present=True).count() == 2
